#!/usr/bin/env bash
# slurm-up.sh - bring up a single-node Slurm cluster (munged + slurmctld + slurmd) on this
# Debian host, without systemd, for tradesim's end-to-end test (scripts/slurm-e2e.sh).
# Must run as root. Self-contained: needs only apt (Debian's slurm-wlm 22.05 packages).
#
#   1. installs munge, slurmctld, slurmd and slurm-client with apt-get if any is missing
#      (apt-get update first; daemons are kept from auto-starting during the install);
#   2. creates the munge key and /run/munge, starts munged as user munge;
#   3. writes /etc/slurm/slurm.conf for this host (one node, partition "debug");
#   4. starts slurmctld -i, then slurmd (both daemonize and write PID files);
#   5. waits until the node is idle.
#
# Idempotent: daemons this script started earlier (PID file + live process of that name)
# are left alone, missing ones are started. A Slurm controller or munged that this script
# did NOT start is used as it is (and never stopped by slurm-down.sh).
#
# Environment:
#   SLURM_BASE      state, logs and PID files          (default /tmp/tradesim-slurm)
#   SLURM_INSTALL   1 = apt-get install missing pkgs   (default 1)
#   SLURM_TIMEOUT   seconds to wait for an idle node   (default 60)
#
# PIDs of the daemons this script started: $SLURM_BASE/run/{munged,slurmctld,slurmd}.pid
# (slurm-down.sh stops exactly those). Logs: $SLURM_BASE/log/.
set -euo pipefail

BASE=${SLURM_BASE:-/tmp/tradesim-slurm}
INSTALL=${SLURM_INSTALL:-1}
TIMEOUT=${SLURM_TIMEOUT:-60}
RUN=$BASE/run
LOG=$BASE/log
STATE=$BASE/state
CONF=/etc/slurm/slurm.conf

die() { echo "slurm-up: ERROR: $*" >&2; exit 1; }
say() { echo "slurm-up: $*"; }

[ "$(id -u)" = 0 ] || die "must run as root (slurmd runs the jobs as root here)"
mkdir -p "$RUN" "$LOG" "$STATE/ctld" "$STATE/d"

# ---- 1. packages -------------------------------------------------------------------
need_pkgs=()
for p in munge slurmctld slurmd slurm-client; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$INSTALL" = 1 ] || die "missing packages: ${need_pkgs[*]} (set SLURM_INSTALL=1 to install them)"
  command -v apt-get >/dev/null || die "missing packages ${need_pkgs[*]} and no apt-get"
  say "installing ${need_pkgs[*]} (log: $LOG/apt.log) ..."
  export DEBIAN_FRONTEND=noninteractive
  # Keep the packages' init scripts from starting daemons during the install: this
  # script starts them itself (so that slurm-down.sh knows their PIDs).
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  ok=1
  apt-get update -qq >"$LOG/apt.log" 2>&1 || ok=0
  if [ "$ok" = 1 ]; then
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >>"$LOG/apt.log" 2>&1 || ok=0
  fi
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$ok" = 1 ] || { tail -20 "$LOG/apt.log" >&2; die "apt-get failed (log: $LOG/apt.log)"; }
fi
for b in munged munge unmunge slurmctld slurmd sinfo sbatch squeue scontrol; do
  command -v "$b" >/dev/null || die "command $b not found after installing the packages"
done
mkdir -p /etc/slurm

# pid_alive FILE NAME: FILE holds the PID of a live process whose name is NAME
pid_alive() {
  local f=$1 name=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/comm" ] || return 1
  [ "$(cat "/proc/$pid/comm")" = "$name" ]
}

# wait_pidfile FILE NAME SECONDS: wait until a daemon has written FILE and is alive
wait_pidfile() {
  local f=$1 name=$2 t=$3 i
  for ((i = 0; i < t * 10; i++)); do
    pid_alive "$f" "$name" && return 0
    sleep 0.1
  done
  return 1
}

# running NAME: some process named NAME exists (read-only /proc scan; no procps needed)
running() {
  local c
  for c in /proc/[0-9]*/comm; do
    [ "$(cat "$c" 2>/dev/null)" = "$1" ] && return 0
  done
  return 1
}

# ---- 2. munge ----------------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
  say "creating the munge key"
  install -d -o munge -g munge -m 0700 /etc/munge
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile=/etc/munge/munge.key --force
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge   # socket and munged's own PID file
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge

if pid_alive "$RUN/munged.pid" munged; then
  say "munged already running (pid $(cat "$RUN/munged.pid"))"
elif munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "a munged not started by this script is serving /run/munge: using it"
else
  rm -f "$RUN/munged.pid" /run/munge/munged.pid
  say "starting munged"
  # munged daemonizes and writes its real PID to --pid-file
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid \
    --log-file=/var/log/munge/munged.log \
    || die "munged failed to start (see /var/log/munge/munged.log)"
  for ((i = 0; i < 50; i++)); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$RUN/munged.pid" 2>/dev/null || die "munged wrote no PID file"
  pid_alive "$RUN/munged.pid" munged || die "munged is not running (see /var/log/munge/munged.log)"
fi
munge -n | unmunge >/dev/null || die "munge credential round trip failed"

# ---- 3. is a controller running that this script did not start? -------------------
FOREIGN=0
if ! pid_alive "$RUN/slurmctld.pid" slurmctld && running slurmctld; then
  FOREIGN=1
  say "a slurmctld not started by this script is running: using it as it is (slurm.conf untouched)"
fi

H=$(hostname -s)
if [ "$FOREIGN" = 0 ]; then
  # ---- 4. slurm.conf ---------------------------------------------------------------
  # The node as slurmd detects it; keep 95 % of RealMemory so that a slightly smaller
  # reading later never drains the node for "Low RealMemory".
  NODELINE=$(slurmd -C | head -1)
  [[ "$NODELINE" == NodeName=* ]] || die "slurmd -C failed: $NODELINE"
  MEM=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$NODELINE")
  [ -n "$MEM" ] || die "no RealMemory in: $NODELINE"
  NODELINE=$(sed "s/RealMemory=[0-9]*/RealMemory=$((MEM * 95 / 100))/" <<<"$NODELINE")

  NEWCONF=$(mktemp)
  cat >"$NEWCONF" <<CONF
# Written by tradesim scripts/slurm-up.sh: a single-node cluster for end-to-end tests.
ClusterName=local
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# no systemd, no cgroups
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# no accounting (sacct does not work); job ends are recorded in the jobcomp file
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG/jobcomp.txt
SchedulerType=sched/backfill
# fast turnaround for small arrays (defaults: batch_sched_delay=3, sched_interval=60, bf_interval=30)
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=1
# a job whose afterok dependency failed is cancelled instead of pending forever
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
# finished jobs stay visible to scontrol for 10 minutes
MinJobAge=600
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$NODELINE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  CONF_CHANGED=0
  if ! cmp -s "$NEWCONF" "$CONF"; then
    [ -f "$CONF" ] && [ ! -f "$CONF.orig" ] && cp "$CONF" "$CONF.orig"
    install -m 0644 "$NEWCONF" "$CONF"
    CONF_CHANGED=1
    say "wrote $CONF"
  fi
  rm -f "$NEWCONF"

  # ---- 5. slurmctld, then slurmd (both daemonize, PIDs in the PidFiles above) -------
  if pid_alive "$RUN/slurmctld.pid" slurmctld; then
    say "slurmctld already running (pid $(cat "$RUN/slurmctld.pid"))"
    if [ "$CONF_CHANGED" = 1 ]; then scontrol reconfigure || die "scontrol reconfigure failed"; fi
  else
    rm -f "$RUN/slurmctld.pid"
    say "starting slurmctld"
    # -i: ignore missing or unreadable state files (first start)
    /usr/sbin/slurmctld -i || die "slurmctld failed to start (see $LOG/slurmctld.log)"
    wait_pidfile "$RUN/slurmctld.pid" slurmctld 15 \
      || { tail -20 "$LOG/slurmctld.log" >&2; die "slurmctld did not come up"; }
  fi
fi

ctld_up() { [[ "$(scontrol ping 2>/dev/null || true)" == *"is UP"* ]]; }
for ((i = 0; i < 30; i++)); do ctld_up && break; sleep 0.5; done
ctld_up \
  || { tail -20 "$LOG/slurmctld.log" >&2 2>/dev/null; die "slurmctld is not answering (scontrol ping)"; }

if [ "$FOREIGN" = 0 ]; then
  if pid_alive "$RUN/slurmd.pid" slurmd; then
    say "slurmd already running (pid $(cat "$RUN/slurmd.pid"))"
  elif running slurmd; then
    say "a slurmd not started by this script is running: using it"
  else
    rm -f "$RUN/slurmd.pid"
    say "starting slurmd"
    /usr/sbin/slurmd || die "slurmd failed to start (see $LOG/slurmd.log)"
    wait_pidfile "$RUN/slurmd.pid" slurmd 15 \
      || { tail -20 "$LOG/slurmd.log" >&2; die "slurmd did not come up"; }
  fi
else
  ctl_config=$(scontrol show config 2>/dev/null || true)
  grep -q kill_invalid_depend <<<"$ctl_config" \
    || say "warning: the running cluster lacks DependencyParameters=kill_invalid_depend (a failed array leaves its merge job pending)"
fi

# ---- 6. wait for the node to be idle -----------------------------------------------
st=""
for ((i = 0; i < TIMEOUT * 2; i++)); do
  st=$(sinfo -h -n "$H" -o %T 2>/dev/null | head -1 || true)
  case "$st" in
    idle | mixed | allocated | completing) break ;;
    down* | drain* | drained*)
      # e.g. left down by an earlier run: put it back in service
      scontrol update NodeName="$H" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.5
done
case "$st" in
  idle | mixed | allocated | completing) ;;
  *)
    sinfo -N -l >&2 || true
    tail -20 "$LOG/slurmd.log" >&2 2>/dev/null || true
    die "node $H is not usable after ${TIMEOUT}s (state: '${st:-none}')" ;;
esac
say "ready: node $H is $st"
sinfo
