{{/* Chart name, truncated: Kubernetes names are at most 63 characters. */}}
{{- define "waldiez.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name. */}}
{{- define "waldiez.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "waldiez.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "waldiez.labels" -}}
helm.sh/chart: {{ include "waldiez.chart" . }}
app.kubernetes.io/name: {{ include "waldiez.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: waldiez-runner
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "waldiez.selectorLabels" -}}
app.kubernetes.io/name: {{ include "waldiez.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Full labels of one component; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "waldiez.componentLabels" -}}
{{ include "waldiez.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Image reference; call with (dict "ctx" $ "image" .Values.x.image). Tags default to appVersion. */}}
{{- define "waldiez.image" -}}
{{- $repo := .image.repository }}
{{- with .ctx.Values.imageRegistry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" .) $repo }}
{{- end }}
{{- printf "%s:%s" $repo (default .ctx.Chart.AppVersion .image.tag | toString) }}
{{- end }}

{{- define "waldiez.operator.fullname" -}}
{{- printf "%s-operator" (include "waldiez.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "waldiez.apiServer.fullname" -}}
{{- printf "%s-api-server" (include "waldiez.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "waldiez.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "waldiez.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "waldiez.redis.fullname" -}}
{{- printf "%s-redis" (include "waldiez.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "waldiez.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "waldiez.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "waldiez.apiServer.serviceAccountName" -}}
{{- if .Values.apiServer.serviceAccount.create }}
{{- default (include "waldiez.apiServer.fullname" .) .Values.apiServer.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.apiServer.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Namespace where the API server creates tasks. */}}
{{- define "waldiez.apiServer.taskNamespace" -}}
{{- default .Release.Namespace .Values.apiServer.taskNamespace }}
{{- end }}

{{/*
Namespaces that get the task support objects (Redis URL Secret, NetworkPolicy), as a JSON list:
taskNamespaces, else watchNamespaces, else the release namespace; the API server's task namespace
is always included so tasks it creates can start.
*/}}
{{- define "waldiez.taskNamespaces" -}}
{{- $list := .Values.taskNamespaces }}
{{- if not $list }}{{ $list = .Values.watchNamespaces }}{{ end }}
{{- if not $list }}{{ $list = list .Release.Namespace }}{{ end }}
{{- $list = append $list (include "waldiez.apiServer.taskNamespace" .) }}
{{- toJson (uniq $list) }}
{{- end }}

{{/* Secret + key of the JWT signing key. */}}
{{- define "waldiez.auth.secretName" -}}
{{- default (printf "%s-auth" (include "waldiez.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/* Secret + key of the database password. */}}
{{- define "waldiez.database.secretName" -}}
{{- if .Values.postgresql.enabled }}
{{- default (include "waldiez.postgresql.fullname" .) .Values.postgresql.auth.existingSecret }}
{{- else }}
{{- .Values.externalDatabase.existingSecret }}
{{- end }}
{{- end }}

{{- define "waldiez.database.passwordKey" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.passwordKey }}{{ else }}{{ .Values.externalDatabase.passwordKey }}{{ end }}
{{- end }}

{{- define "waldiez.database.url" -}}
{{- if .Values.postgresql.enabled }}
{{- printf "jdbc:postgresql://%s.%s.svc:5432/%s" (include "waldiez.postgresql.fullname" .) .Release.Namespace .Values.postgresql.database }}
{{- else }}
{{- .Values.externalDatabase.url }}
{{- end }}
{{- end }}

{{- define "waldiez.database.username" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.username }}{{ else }}{{ .Values.externalDatabase.username }}{{ end }}
{{- end }}

{{/* Secret holding the servers' full Redis URLs (users and passwords included), in the release namespace. */}}
{{- define "waldiez.redis.secretName" -}}
{{- if .Values.redis.enabled }}
{{- default (include "waldiez.redis.fullname" .) .Values.redis.auth.existingSecret }}
{{- else }}
{{- .Values.externalRedis.existingSecret }}
{{- end }}
{{- end }}

{{- define "waldiez.redis.urlKey" -}}
{{- if .Values.redis.enabled }}{{ .Values.redis.auth.urlKey }}{{ else }}{{ .Values.externalRedis.urlKey }}{{ end }}
{{- end }}

{{/* Key of the operator's Redis URL (its user creates the runs' users) in the same Secret. */}}
{{- define "waldiez.redis.operatorUrlKey" -}}
{{- if .Values.redis.enabled }}{{ .Values.redis.auth.operatorUrlKey }}{{ else }}{{ default .Values.externalRedis.urlKey .Values.externalRedis.operatorUrlKey }}{{ end }}
{{- end }}

{{/*
A value generated once: the existing Secret's value when there is one (upgrades keep it), else a
new random one. `lookup` is empty in `helm template` and dry runs, so those show a fresh value.
Call with (dict "namespace" ns "name" secretName "key" key "length" n), plus "hex" true for an id
in the API server's own format (lower-case hex).
*/}}
{{- define "waldiez.generatedValue" -}}
{{- $existing := lookup "v1" "Secret" .namespace .name }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else if .hex }}
{{- uuidv4 | replace "-" "" | trunc (int .length) }}
{{- else }}
{{- randAlphaNum (int .length) }}
{{- end }}
{{- end }}

{{/* Pod-level security context; call with (dict "ctx" $ "uid" optionalUid). */}}
{{- define "waldiez.podSecurityContext" -}}
{{- $psc := deepCopy .ctx.Values.podSecurityContext }}
{{- if .uid }}
{{- $_ := set $psc "runAsUser" .uid }}
{{- $_ := set $psc "runAsGroup" .uid }}
{{- $_ := set $psc "fsGroup" .uid }}
{{- end }}
{{- toYaml $psc }}
{{- end }}

{{- define "waldiez.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}

{{/* Checksum of a rendered template, so pods roll when their settings change. */}}
{{- define "waldiez.checksum" -}}
{{- include (print .ctx.Template.BasePath "/" .file) .ctx | sha256sum }}
{{- end }}

{{/* Checks across values that the JSON schema cannot express; fails the install with a message. */}}
{{- define "waldiez.validate" -}}
{{- $taskNs := include "waldiez.apiServer.taskNamespace" . }}
{{- if and .Values.watchNamespaces (eq .Values.apiServer.launcherMode "kubernetes") (not (has $taskNs .Values.watchNamespaces)) }}
{{- fail (printf "apiServer.taskNamespace %q is not in watchNamespaces %v: the operator would never run the tasks the API server creates there" $taskNs .Values.watchNamespaces) }}
{{- end }}
{{- end }}
