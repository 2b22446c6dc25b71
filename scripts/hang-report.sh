#!/usr/bin/env bash
# Runs beside `dotnet test` (scripts/test.sh starts and stops it) and reports a run that has stopped moving, so a hang
# in CI leaves evidence in its log instead of only a timeout:
#  - a test host alive for more than $1 minutes (a whole project normally takes under six): its managed threads'
#    stacks (dotnet-stack, which setup.sh installs into .tools) and its child processes;
#  - a `dotnet test` alive for more than $2 minutes: every process that still holds its output pipe (a test's child
#    that outlives the test host keeps `dotnet test` waiting for the end of that pipe).
# Each is reported once, to stderr. Usage: hang-report.sh HOST_MINUTES RUN_MINUTES PID_OF_DOTNET_TEST
set -uo pipefail
host_limit=$(($1 * 60))
run_limit=$(($2 * 60))
run_pid=$3
stack=$(dirname "$0")/../.tools/dotnet-stack
reported=" "

report_host() {
  local pid=$1
  echo "hang-report: test host $pid has run $(ps -o etime= -p "$pid" | tr -d ' '): $(tr '\0' ' ' </proc/"$pid"/cmdline | grep -oE 'LabSite\.[A-Za-z.]+\.Tests' | head -1)"
  if [ -x "$stack" ]; then
    timeout 60 "$stack" report -p "$pid" 2>&1 | sed 's/^/hang-report:   /'
  else
    echo "hang-report:   (no $stack: scripts/setup.sh test installs it)"
  fi
  echo "hang-report: its child processes:"
  ps -o pid,etime,args --ppid "$pid" 2>/dev/null | sed 's/^/hang-report:   /'
}

report_pipe_holders() {
  local pipe
  pipe=$(readlink /proc/"$run_pid"/fd/1 2>/dev/null) || return
  echo "hang-report: dotnet test ($run_pid) has run $(ps -o etime= -p "$run_pid" | tr -d ' '); processes holding its output $pipe:"
  for fd in /proc/[0-9]*/fd/[12]; do
    [ "$(readlink "$fd" 2>/dev/null)" = "$pipe" ] || continue
    local p=${fd#/proc/}
    p=${p%%/*}
    echo "hang-report:   $p $(ps -o etime=,args= -p "$p" 2>/dev/null | cut -c1-300)"
  done | sort -u
}

while kill -0 "$run_pid" 2>/dev/null; do
  for pid in $(pgrep -f testhost.dll); do
    age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
    if [ -n "$age" ] && [ "$age" -gt "$host_limit" ] && [[ "$reported" != *" $pid "* ]]; then
      reported+="$pid "
      report_host "$pid" >&2
    fi
  done
  age=$(ps -o etimes= -p "$run_pid" 2>/dev/null | tr -d ' ')
  if [ -n "$age" ] && [ "$age" -gt "$run_limit" ] && [[ "$reported" != *" run "* ]]; then
    reported+="run "
    report_pipe_holders >&2
  fi
  sleep 20
done
