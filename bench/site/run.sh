#!/usr/bin/env bash
# Macro benchmark of the web site: builds the labsite CLI in Release, starts `labsite serve` on a free loopback port with a
# fresh data folder and the repository's content/, then runs wrk from a second process against the catalog, a lab
# overview and the lab player (one learner cookie, so each player request also writes progress to SQLite).
#
# Usage: bench/site/run.sh [duration=10s] [threads=2] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10s}
threads=${2:-2}
connections=${3:-32}
lab=${LAB:-hello-lab}

command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
dotnet build src/LabSite.Cli -c Release -v q -nologo >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/labsite-bench.XXXXXX)
log="$data/serve.log"
src/LabSite.Cli/bin/Release/net10.0/labsite serve --urls "$base" --content content --data "$data" >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "bench: labsite serve exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null || { echo "bench: labsite serve did not become healthy" >&2; cat "$log" >&2; exit 1; }

# One learner for the whole run: the first visit issues the cookie; the player pages then update that learner's progress.
cookie=$(curl -fsS -o /dev/null -D - "$base/" | sed -n 's/^[Ss]et-[Cc]ookie: \(labsite-learner=[0-9a-f]*\);.*/\1/p' | tr -d '\r')
step=$(curl -fsS -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" "$base/labs/$lab/play" | sed "s|^$base||")
[ -n "$step" ] || { echo "bench: lab $lab has no steps to play" >&2; exit 1; }

echo "labsite bench: wrk -t$threads -c$connections -d$duration, $(nproc) cores, server pid $server"
for path in /labs "/labs?q=policy" "/labs/$lab" "$step" /healthz; do
  echo
  echo "== GET $path"
  # Warm up (JIT, connection pools) so the run measures steady state.
  wrk -t1 -c4 -d2s -H "Cookie: $cookie" "$base$path" >/dev/null
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" -s bench/site/percentiles.lua "$base$path"
done
