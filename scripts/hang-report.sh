#!/usr/bin/env bash
# Evidence for a test run that stops moving, so a hang in CI leaves more in its log than a timeout.
#
#   hang-report.sh watch HOST_MINUTES RUN_MINUTES PID   runs beside `dotnet test` (PID; scripts/test.sh starts and
#       stops it) and reports, once each, to stderr:
#       - a test host alive for more than HOST_MINUTES (a whole project normally takes under six): its managed threads'
#         stacks (dotnet-stack, which setup.sh installs into .tools) and its child processes;
#       - a `dotnet test` alive for more than RUN_MINUTES: its processes, and every process outside them that holds
#         one of their pipes. A test's child that outlives its test host and holds the host's output keeps vstest
#         waiting for the end of that pipe: a known way for `dotnet test` to hang after every test passed.
#   hang-report.sh holders PID FD   the processes other than PID that hold the pipe on PID's descriptor FD.
set -uo pipefail
stack=$(dirname "$0")/../.tools/dotnet-stack

pipes_of() { # the pipes open in the given processes, as " pipe:[N] pipe:[M] "
  local pid fd link out=" "
  for pid in "$@"; do
    for fd in /proc/"$pid"/fd/*; do
      link=$(readlink "$fd" 2>/dev/null) && [[ $link == pipe:* ]] && out+="$link "
    done
  done
  echo "$out"
}

holding() { # holding " PIPES " " EXCLUDED PIDS ": each other process holding one of the pipes
  local fd link pid
  for fd in /proc/[0-9]*/fd/*; do
    link=$(readlink "$fd" 2>/dev/null) && [[ $link == pipe:* && $1 == *" $link "* ]] || continue
    pid=${fd#/proc/}
    pid=${pid%%/*}
    [[ $2 == *" $pid "* ]] && continue
    echo "hang-report:   $pid $link $(ps -o etime=,args= -p "$pid" 2>/dev/null | cut -c1-300)"
  done | sort -u
}

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

report_run() {
  local run_pid=$1 tree pid parent
  # dotnet test, vstest.console, the test hosts and their children; pipes they share with the script above them
  # (its log) are left out.
  tree=" $run_pid "
  for _ in 1 2 3; do for pid in $tree; do tree+="$(pgrep -P "$pid" | tr '\n' ' ')"; done; done
  tree=" $(echo "$tree" | tr ' ' '\n' | sort -un | tr '\n' ' ') "
  parent=$(ps -o ppid= -p "$run_pid" | tr -d ' ')
  local inherited own=" "
  inherited=$(pipes_of "$parent")
  for link in $(pipes_of $tree); do [[ $inherited == *" $link "* ]] || own+="$link "; done
  echo "hang-report: dotnet test ($run_pid) has run $(ps -o etime= -p "$run_pid" | tr -d ' '); its processes:"
  ps -o pid,etime,args -p "$(echo $tree | tr ' ' ',')" 2>/dev/null | cut -c1-200 | sed 's/^/hang-report:   /'
  echo "hang-report: processes outside the run holding one of its pipes:"
  holding "$own" "$tree $$ $BASHPID "
}

watch() {
  local host_limit=$(($1 * 60)) run_limit=$(($2 * 60)) run_pid=$3 reported=" " pid age
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
      report_run "$run_pid" >&2
    fi
    sleep 20
  done
}

case "${1:-}" in
  watch) shift; watch "$@" ;;
  holders) holding " $(readlink /proc/"$2"/fd/"$3") " " $2 $$ $BASHPID " ;;
  *) echo "usage: hang-report.sh watch HOST_MINUTES RUN_MINUTES PID | hang-report.sh holders PID FD" >&2; exit 2 ;;
esac
