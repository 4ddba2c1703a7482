{{- /*
RBAC rules. They must equal io.waldiez.runner.crd.rbac.KubernetesPermissions (crds module):
chart-tests' RbacTest renders the chart and fails on any rule missing or extra. Change both together.
*/ -}}

{{/* KubernetesPermissions.OPERATOR: granted in every watched namespace (or cluster-wide). */}}
{{- define "waldiez.rbac.operatorRules" -}}
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks"]
  verbs: ["delete", "get", "list", "patch", "watch"]
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks/status"]
  verbs: ["patch"]
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks/finalizers"]
  verbs: ["update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["create", "delete", "list", "watch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["create", "list", "watch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/* KubernetesPermissions.OPERATOR_LEADER_ELECTION: only in the release namespace, where the Lease lives. */}}
{{- define "waldiez.rbac.operatorLeaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create", "get", "patch", "update"]
{{- end }}

{{/* KubernetesPermissions.API_SERVER: granted in the namespace where the API server creates tasks. */}}
{{- define "waldiez.rbac.apiServerRules" -}}
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["create", "delete", "get"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create", "delete"]
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks"]
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks/status"]
  verbs: ["get"]
{{- end }}

{{/*
The read-only part of API_SERVER, granted wherever the operator works (every watched namespace or
cluster-wide): the API server's informer mirrors kubectl-made tasks there too, but it creates
ConfigMaps, Secrets and tasks only in its own task namespace.
*/}}
{{- define "waldiez.rbac.apiServerReadRules" -}}
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["waldiez.io"]
  resources: ["waldieztasks/status"]
  verbs: ["get"]
{{- end }}
