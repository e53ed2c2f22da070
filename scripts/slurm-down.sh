#!/usr/bin/env bash
# slurm-down.sh - stop ONLY the daemons that scripts/slurm-up.sh started, by the PIDs it
# recorded in $SLURM_BASE/run/*.pid. A PID is signalled only if that process still exists
# and has the expected name (guards against PID reuse). Daemons that slurm-up.sh found
# already running (not started by it) are left alone.
#
# Environment:
#   SLURM_BASE    as for slurm-up.sh                      (default /tmp/tradesim-slurm)
#   SLURM_WIPE=1  also delete the controller's and slurmd's state (fresh cluster next time)
set -uo pipefail

BASE=${SLURM_BASE:-/tmp/tradesim-slurm}
RUN=$BASE/run
rc=0

stop_one() {
  local name=$1 f=$RUN/$1.pid pid i
  if [ ! -s "$f" ]; then
    echo "slurm-down: $name: not started by slurm-up.sh, nothing to do"
    return
  fi
  pid=$(cat "$f")
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ ! -r "/proc/$pid/comm" ] \
     || [ "$(cat "/proc/$pid/comm")" != "$name" ]; then
    echo "slurm-down: $name: pid '$pid' is not running (stale PID file removed)"
    rm -f "$f"
    return
  fi
  echo "slurm-down: stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  if [ -e "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    echo "slurm-down: $name (pid $pid) ignored SIGTERM for 10 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 0.5
    if [ -e "/proc/$pid" ]; then
      echo "slurm-down: ERROR: could not stop $name (pid $pid)" >&2
      rc=1
      return
    fi
  fi
  rm -f "$f"
}

# compute daemon, then controller, then authentication daemon
stop_one slurmd
stop_one slurmctld
stop_one munged

if [ "${SLURM_WIPE:-0}" = 1 ]; then
  rm -rf "$BASE/state"
  echo "slurm-down: wiped $BASE/state"
fi
exit $rc
