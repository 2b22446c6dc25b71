#!/usr/bin/env bash
# Macro benchmark of the web site: builds the labsite CLI in Release, starts `labsite serve` on a free loopback port with a
# fresh data folder and the repository's content/, then runs wrk from a second process against the home page, the
# catalog, a lab overview, the lab player (one learner cookie, so each player request also writes progress to SQLite) and
# /healthz (the floor: no page, no database).
#
# BASELINE=/path/to/labsite.dll (another build, e.g. main's) runs the same paths against that build too, one after the
# other in the same run, and prints each page's p95 against it.
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
this=src/LabSite.Cli/bin/Release/net10.0/labsite.dll

# bench_site NAME DLL: serves DLL, runs wrk on every path, records "NAME PATH P95" lines in $results.
results=$(mktemp /tmp/labsite-bench-results.XXXXXX)
bench_site() {
  local name=$1 dll=$2
  local port base data log server cookie step
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  base="http://127.0.0.1:$port"
  data=$(mktemp -d /tmp/labsite-bench.XXXXXX)
  log="$data/serve.log"
  dotnet "$dll" serve --urls "$base" --content content --data "$data" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { echo "bench: labsite serve ($name) exited:" >&2; cat "$log" >&2; return 1; }
    sleep 0.5
  done
  curl -fsS "$base/healthz" >/dev/null || { echo "bench: labsite serve ($name) did not become healthy" >&2; cat "$log" >&2; return 1; }

  # One learner for the whole run: the first visit issues the cookie; the player pages then update that learner's progress.
  cookie=$(curl -fsS -o /dev/null -D - "$base/" | sed -n 's/^[Ss]et-[Cc]ookie: \(labsite-learner=[0-9a-f]*\);.*/\1/p' | tr -d '\r')
  step=$(curl -fsS -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" "$base/labs/$lab/play" | sed "s|^$base||")
  [ -n "$step" ] || { echo "bench: lab $lab has no steps to play" >&2; return 1; }

  echo "== $name ($dll): wrk -t$threads -c$connections -d$duration, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  for path in / /labs "/labs?q=policy" "/labs/$lab" "$step" /healthz; do
    echo
    echo "== $name GET $path"
    # Warm up (JIT, connection pools) so the run measures steady state.
    wrk -t1 -c4 -d2s -H "Cookie: $cookie" "$base$path" >/dev/null
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" -s bench/site/percentiles.lua "$base$path")
    echo "$out"
    # The step URL is the same in both builds; it is keyed "player" so the summary reads clearly.
    key=$path; [ "$path" = "$step" ] && key=player
    echo "$name $key $(echo "$out" | sed -n 's/^p95: \([0-9.]*\) ms$/\1/p')" >>"$results"
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap 'rm -f "$results"' EXIT

bench_site this "$this"
if [ -n "${BASELINE:-}" ]; then
  echo
  bench_site baseline "$BASELINE"
  echo
  echo "== p95 per page: this build vs the baseline build (same run)"
  awk '$1 == "this" { t[$2] = $3; order[++n] = $2 } $1 == "baseline" { b[$2] = $3 }
       END { for (i = 1; i <= n; i++) { p = order[i]; printf "%-18s this %8.2f ms  baseline %8.2f ms  ratio %.2fx\n", p, t[p], b[p], (b[p] > 0 ? t[p] / b[p] : 0) } }' "$results"
fi
