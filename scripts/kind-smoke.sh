#!/usr/bin/env bash
# The whole kind path on a host with Docker, kind and internet (CI here has no registry, so it cannot run this):
# create a kind lab cluster with Cilium and Hubble and the Star Wars manifests, check a landing and cilium-dbg, destroy it, and
# print how long each step took. Usage: scripts/kind-smoke.sh [lab-name]
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-kindsmoke}
for tool in docker kind; do
  command -v "$tool" >/dev/null || { echo "kind-smoke: $tool not found; install it (kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation)" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "kind-smoke: the Docker engine does not answer (is dockerd running, may you use its socket?)" >&2; exit 1; }
scripts/setup.sh site   # kubectl and helm into .tools/
export PATH="$PWD/.tools:$PATH" KindOptions__Enabled=true KindOptions__InfraDirectory="$PWD/infra/kind"
labsite() { dotnet run --project src/LabSite.Cli -c Release --no-launch-profile -- "$@"; }

# preload: pull what images.txt lists once, so every later create loads them from the local engine
t0=$(date +%s)
grep -v '^#' infra/kind/images.txt | grep . | while read -r image; do docker pull -q "$image" >/dev/null; done
t1=$(date +%s)
labsite cluster up "$name" --backend kind --lab starwars --manifests content/labs/starwars/manifests
t2=$(date +%s)
# The Star Wars check by hand through the kind cluster's own kubeconfig: an empire ship may land on the Death Star.
status=0
kc=/var/lib/labsite/kind/$name/kubeconfig
kubectl --kubeconfig "$kc" wait --for=condition=Ready pod --all --timeout=180s
kubectl --kubeconfig "$kc" exec tiefighter -- curl -s -m 5 -XPOST deathstar.default.svc.cluster.local/v1/request-landing | grep -q "Ship landed" || status=$?
kubectl --kubeconfig "$kc" -n kube-system exec ds/cilium -- cilium-dbg endpoint list -o json >/dev/null || status=$?
t3=$(date +%s)
labsite cluster down "$name"
t4=$(date +%s)
# the whole lab on kind: each check fails before its step's solution and passes after (its own cluster, t-starwars)
labsite lab test content/labs/starwars --backend kind || status=$?
t5=$(date +%s)
left=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=labsite-$name" | wc -l)
echo "kind-smoke: pull $((t1 - t0))s, create $((t2 - t1))s, checks $((t3 - t2))s (exit $status), destroy $((t4 - t3))s, lab test $((t5 - t4))s; node containers left: $left"
[ "$status" = 0 ] && [ "$left" = 0 ]
