#!/usr/bin/env bash
# Installs what the tests need (idempotently) and runs every test: unit, datapath (root, real kernel),
# endpoint, browser (Debian Chromium), content validation. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/as-root.sh
scripts/setup.sh test || exit 1

log=$(mktemp)
status=0
dotnet build LabSite.sln -c Release -nologo -v quiet || exit 1
labsite=(dotnet src/LabSite.Cli/bin/Release/net10.0/labsite.dll)

"${labsite[@]}" lab validate content/labs || status=1
"${labsite[@]}" exam validate content/exams/cca || status=1
# Every lab, on a fresh cluster: each check must fail before its step's solution and pass after it.
"${labsite[@]}" lab test content/labs/* || status=1

# A test that hangs is stopped after 10 minutes without progress and named (--blame-hang-timeout); hang-report.sh
# prints the stacks of a test host that runs far longer than any project does, and whatever holds the run's output.
exec {out}> >(tee "$log")
tee_pid=$!
# A script's & job starts with SIGINT ignored and every test process would inherit that: tests run as a user's would.
env --default-signal=INT,QUIT dotnet test LabSite.sln -c Release --no-build -nologo --blame-hang-timeout 10m --blame-hang-dump-type none >&"$out" 2>&1 &
test_pid=$!
scripts/hang-report.sh watch 9 30 "$test_pid" &
watch_pid=$!
wait "$test_pid" || status=1
kill "$watch_pid" 2>/dev/null
exec {out}>&-
# The log ends when every holder of the run's output has closed it; a process a test left behind would hold it, and
# this script, open for good: name it and stop waiting.
for _ in $(seq 30); do kill -0 "$tee_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$tee_pid" 2>/dev/null; then
  echo "test.sh: the run has ended, but these processes a test left behind still hold its output:" >&2
  scripts/hang-report.sh holders "$tee_pid" 0 >&2
  kill "$tee_pid"
fi
wait "$tee_pid"

# One closing line for every runner's totals (dotnet test prints one summary per test project).
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
exit $status
