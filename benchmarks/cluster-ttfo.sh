#!/usr/bin/env bash
# Time to first output in Kubernetes mode: the harness's ttfo benchmark (REST create -> first
# output frame on the WebSocket, pod start included) against the API server of the cluster tier,
# then where the time of the last task went (WaldiezTask, Job, pod, container, runner timestamps).
#
#   WALDIEZ_CLUSTER_KEEP=1 cluster-tests/run.sh -Dtest=KubectlAndCrdTest   # a cluster with the release
#   benchmarks/cluster-ttfo.sh [--warm N]                                  # this (root)
#   cluster-tests/scripts/cluster-down.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../cluster-tests/scripts/lib.sh"
[ -e "/run/netns/$NETNS" ] || die "no cluster running: start one with WALDIEZ_CLUSTER_KEEP=1 cluster-tests/run.sh"
"$HERE/setup-venv.sh" >/dev/null
NS=waldiez; FULL=wr-waldiez-runner
ip=$(kubectl_admin -n $NS get svc $FULL-api-server -o jsonpath='{.spec.clusterIP}')
b64() { kubectl_admin -n $NS get secret $FULL-auth -o jsonpath="{.data.$1}" | base64 -d; }
base="http://$ip:8000"
ct=$(innet curl -sf "$base/auth/token" -d "client_id=$(b64 clients-api-client-id)" -d "client_secret=$(b64 clients-api-client-secret)" | jq -r .access_token)
client=$(innet curl -sf "$base/api/v1/clients" -H "Authorization: Bearer $ct" -H 'Content-Type: application/json' \
  -d '{"audience":"tasks-api","name":"benchmark"}')
mkdir -p "$HERE/results/kubernetes"
out="$HERE/results/kubernetes/ours-kubernetes.json"
(cd "$HERE" && innet .venv/bin/python -m harness run --label ours-kubernetes --base-url "$base" --kind java \
  --client-id "$(jq -r .client_id <<<"$client")" --client-secret "$(jq -r .client_secret <<<"$client")" \
  --bench ttfo --meta mode=kubernetes --meta node="one node, containerd, images local" --out "$out" "$@")

# where the time went, for the newest API-made task
task=$(kubectl_admin -n $NS get wt -l waldiez.io/client-id --sort-by=.metadata.creationTimestamp -o name | tail -1)
name=${task#*/}
job=$(kubectl_admin -n $NS get "$task" -o jsonpath='{.status.jobName}')
pod=$(kubectl_admin -n $NS get pods -l job-name="$job" -o name | tail -1)
echo "last task $name (second resolution from Kubernetes, milliseconds from the runner's log):"
echo "  WaldiezTask created   $(kubectl_admin -n $NS get "$task" -o jsonpath='{.metadata.creationTimestamp}')"
echo "  Job created           $(kubectl_admin -n $NS get job "$job" -o jsonpath='{.metadata.creationTimestamp}')"
echo "  pod created           $(kubectl_admin -n $NS get "$pod" -o jsonpath='{.metadata.creationTimestamp}')"
echo "  pod scheduled         $(kubectl_admin -n $NS get "$pod" -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].lastTransitionTime}')"
echo "  container started     $(kubectl_admin -n $NS get "$pod" -o jsonpath='{.status.containerStatuses[0].state.*.startedAt}')"
kubectl_admin -n $NS logs "$pod" 2>/dev/null | grep -m1 -E 'waldiez_task_runner.app' | sed 's/^/  runner log:           /' | cut -c1-110
kubectl_admin -n $NS logs "$pod" 2>/dev/null | grep -m1 -E 'status RUNNING' | sed 's/^/  runner log:           /' | cut -c1-110
echo "result: $out"
