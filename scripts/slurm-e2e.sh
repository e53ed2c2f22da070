#!/usr/bin/env bash
# slurm-e2e.sh - end-to-end proof that `tradesim slurm` writes job scripts that work on a
# real Slurm cluster, and that the sharded result is byte-identical to one run.
#
#   1. brings up a single-node Slurm (scripts/slurm-up.sh; brought down again on exit);
#   2. `tradesim slurm SCENARIO --replications R --tasks M --out DIR/cluster`;
#   3. submits with DIR/cluster/submit.sh (job array of M shards + dependent merge job)
#      and waits for both jobs, with a timeout;
#   4. checks every array task and the merge job completed, and the merged results exist;
#   5. runs the same experiment on this machine in one go (`tradesim run`, same seed,
#      replications and strategies) and asserts summary.json, replications.csv and
#      timeseries.csv are byte-identical.
#
# Must run as root (slurmd runs the jobs as root here). Builds nothing: give the binary.
#
# Environment:
#   TRADESIM          tradesim binary            (default target/release/tradesim)
#   E2E_SCENARIO      scenario file              (default scenarios/mra-revocation.toml)
#   E2E_REPLICATIONS  replications per strategy  (default 10)
#   E2E_TASKS         array tasks (shards)       (default 4; at least 3)
#   E2E_SEED          master seed                (default 20110311)
#   E2E_STRATEGIES    strategies, comma-separated (default: the scenario's)
#   E2E_FILES         result files compared byte for byte (default: summary.json
#                     replications.csv timeseries.csv; for a scenario with [sweep]:
#                     sweep.csv sweep.json points/0/summary.json)
#   E2E_SHARDS_IN     folder under shards/ holding each task's shard file (default: none;
#                     for a sweep: point-0)
#   E2E_PARTITION     partition to submit to     (default debug, as slurm-up.sh makes it;
#                                                 empty: the cluster's default partition)
#   E2E_TIMEOUT       seconds to wait for the jobs (default 120)
#   E2E_DIR           work folder, emptied first (default target/slurm-e2e)
#   E2E_KEEP_SLURM=1  leave Slurm running at the end
#   SLURM_BASE        passed on to slurm-up.sh / slurm-down.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
START=$SECONDS

die() { echo "slurm-e2e: FAILED: $*" >&2; exit 1; }
say() { echo "slurm-e2e: $*"; }

# abs PATH: PATH made absolute (relative to the current folder); the file must exist
abs() {
  [ -e "$1" ] || return 1
  echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

[ "$(id -u)" = 0 ] || die "must run as root (it starts Slurm daemons; slurmd runs the jobs as root)"

TRADESIM=$(abs "${TRADESIM:-$ROOT/target/release/tradesim}") \
  || die "no tradesim binary at ${TRADESIM:-$ROOT/target/release/tradesim} (build it first: cargo build --release)"
[ -x "$TRADESIM" ] || die "$TRADESIM is not executable"
SCENARIO=$(abs "${E2E_SCENARIO:-$ROOT/scenarios/mra-revocation.toml}") \
  || die "no scenario file ${E2E_SCENARIO:-$ROOT/scenarios/mra-revocation.toml}"
R=${E2E_REPLICATIONS:-10}
M=${E2E_TASKS:-4}
SEED=${E2E_SEED:-20110311}
STRATEGIES=${E2E_STRATEGIES:-}
PARTITION=${E2E_PARTITION-debug}
TIMEOUT=${E2E_TIMEOUT:-120}
WORK=${E2E_DIR:-$ROOT/target/slurm-e2e}
[[ "$R" =~ ^[0-9]+$ && "$M" =~ ^[0-9]+$ && "$TIMEOUT" =~ ^[0-9]+$ ]] \
  || die "E2E_REPLICATIONS, E2E_TASKS and E2E_TIMEOUT must be whole numbers"
[ "$M" -ge 3 ] || die "E2E_TASKS must be at least 3 (got $M)"
[ "$R" -ge "$M" ] || die "E2E_REPLICATIONS ($R) must be at least E2E_TASKS ($M)"

ARRAY=""
MERGE=""
cleanup() {
  local rc=$?
  set +e
  # never leave our jobs behind (e.g. after a timeout)
  if [ -n "$ARRAY$MERGE" ] && command -v squeue >/dev/null; then
    if [ -n "$(squeue -h -j "${ARRAY}${MERGE:+,$MERGE}" -o %i 2>/dev/null)" ]; then
      say "cancelling jobs $ARRAY $MERGE"
      scancel $ARRAY $MERGE 2>/dev/null
    fi
  fi
  if [ "${E2E_KEEP_SLURM:-0}" = 1 ]; then
    say "leaving Slurm running (E2E_KEEP_SLURM=1); stop it with scripts/slurm-down.sh"
  else
    bash "$ROOT/scripts/slurm-down.sh" || rc=1
  fi
  if [ "$rc" = 0 ]; then
    say "PASSED in $((SECONDS - START)) s"
  else
    echo "slurm-e2e: FAILED after $((SECONDS - START)) s (work folder: $WORK)" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. Slurm ----------------------------------------------------------------------
bash "$ROOT/scripts/slurm-up.sh" || die "scripts/slurm-up.sh could not bring up Slurm"

CLUSTER=$WORK/cluster
ONE=$WORK/one
rm -rf "$WORK"
mkdir -p "$WORK"

# diagnose: everything useful about the jobs, on failure
diagnose() {
  set +e
  echo "---- squeue" >&2
  squeue >&2
  for j in $ARRAY $MERGE; do
    echo "---- scontrol show job $j" >&2
    scontrol show job "$j" >&2
  done
  for f in "$CLUSTER"/logs/*; do
    [ -f "$f" ] || continue
    echo "---- $f" >&2
    tail -n 40 "$f" >&2
  done
  echo "---- $CLUSTER/shards" >&2
  ls -la "$CLUSTER/shards" >&2 2>/dev/null
  local log=${SLURM_BASE:-/tmp/tradesim-slurm}/log
  for f in "$log/slurmctld.log" "$log/slurmd.log"; do
    [ -f "$f" ] || continue
    echo "---- tail $f" >&2
    tail -n 20 "$f" >&2
  done
  set -e
}

# ---- 2. the job scripts ------------------------------------------------------------
slurm_args=("$SCENARIO" --replications "$R" --tasks "$M" --seed "$SEED"
  --time 0:10:00 --mem 512M --cpus 1 --tradesim "$TRADESIM" --out "$CLUSTER")
[ -n "$PARTITION" ] && slurm_args+=(--partition "$PARTITION")
[ -n "$STRATEGIES" ] && slurm_args+=(--strategies "$STRATEGIES")
say "tradesim slurm ${slurm_args[*]}"
"$TRADESIM" slurm "${slurm_args[@]}" || die "tradesim slurm failed"
for f in array.sbatch merge.sbatch submit.sh; do
  [ -s "$CLUSTER/$f" ] || die "tradesim slurm did not write $CLUSTER/$f"
done
ls "$CLUSTER"/scenario.* >/dev/null 2>&1 || die "tradesim slurm did not copy the scenario into $CLUSTER"
echo "---- $CLUSTER/array.sbatch"
cat "$CLUSTER/array.sbatch"
echo "----"

# ---- 3. submit and wait ------------------------------------------------------------
out=$("$CLUSTER/submit.sh") || { echo "$out" >&2; die "$CLUSTER/submit.sh failed"; }
echo "$out"
if [[ "$out" =~ array\ job\ ([0-9]+).*merge\ job\ ([0-9]+) ]]; then
  ARRAY=${BASH_REMATCH[1]}
  MERGE=${BASH_REMATCH[2]}
else
  die "cannot read the job ids from submit.sh's output: $out"
fi
say "waiting for array job $ARRAY ($M tasks) and merge job $MERGE (timeout ${TIMEOUT}s)"
t0=$SECONDS
while :; do
  left=$(squeue -h -j "$ARRAY,$MERGE" -o '%i %T' 2>/dev/null || true)
  [ -z "$left" ] && break
  if [ $((SECONDS - t0)) -ge "$TIMEOUT" ]; then
    diagnose
    die "jobs still queued or running after ${TIMEOUT}s: $(tr '\n' ' ' <<<"$left")"
  fi
  sleep 1
done
say "jobs left the queue after $((SECONDS - t0)) s"

# ---- 4. every task and the merge job completed -------------------------------------
# field NAME LINE: the value of NAME=... in a one-line `scontrol show job -o` record
field() { { grep -o -m1 "\b$1=[^ ]*" <<<"$2" || true; } | head -1 | cut -d= -f2-; }
array_info=$(scontrol show job -o "$ARRAY" 2>&1) || { diagnose; die "scontrol show job $ARRAY: $array_info"; }
merge_info=$(scontrol show job -o "$MERGE" 2>&1) || { diagnose; die "scontrol show job $MERGE: $merge_info"; }
bad=()
done_tasks=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  task=$(field ArrayTaskId "$line")
  state=$(field JobState "$line")
  code=$(field ExitCode "$line")
  say "array task $task: $state (exit $code) on $(field NodeList "$line")"
  if [ "$state" = COMPLETED ] && [ "$code" = 0:0 ]; then
    done_tasks=$((done_tasks + 1))
  else
    bad+=("task $task: $state exit $code")
  fi
done <<<"$array_info"
mstate=$(field JobState "$merge_info")
mcode=$(field ExitCode "$merge_info")
say "merge job: $mstate (exit $mcode)"
if [ ${#bad[@]} -gt 0 ]; then
  diagnose
  die "array tasks failed: ${bad[*]} (merge job: $mstate)"
fi
[ "$done_tasks" = "$M" ] || { diagnose; die "$done_tasks array tasks completed, expected $M"; }
if [ "$mstate" != COMPLETED ] || [ "$mcode" != 0:0 ]; then
  diagnose
  die "merge job $MERGE ended $mstate (exit $mcode)"
fi
FILES=${E2E_FILES:-summary.json replications.csv timeseries.csv}
SHARDS_IN=$CLUSTER/shards${E2E_SHARDS_IN:+/$E2E_SHARDS_IN}
for k in $(seq 1 "$M"); do
  [ -s "$SHARDS_IN/shard-$k-of-$M.json" ] || { diagnose; die "no shard file $SHARDS_IN/shard-$k-of-$M.json"; }
done
for f in $FILES; do
  [ -s "$CLUSTER/$f" ] || { diagnose; die "the merge job wrote no $CLUSTER/$f"; }
done
say "merged results in $CLUSTER (from $M shards)"

# ---- 5. the same experiment in one run; byte-identical results ---------------------
run_args=("$SCENARIO" --replications "$R" --seed "$SEED" --out "$ONE" --quiet)
[ -n "$STRATEGIES" ] && run_args+=(--strategies "$STRATEGIES")
say "tradesim run ${run_args[*]}"
t1=$SECONDS
"$TRADESIM" run "${run_args[@]}" >"$WORK/one.log" 2>&1 || { cat "$WORK/one.log" >&2; die "tradesim run failed"; }
say "single run took $((SECONDS - t1)) s"
for f in $FILES; do
  if ! cmp "$CLUSTER/$f" "$ONE/$f"; then
    diff <(head -c 200000 "$CLUSTER/$f") <(head -c 200000 "$ONE/$f") | head -20 >&2 || true
    die "$f of the Slurm run ($CLUSTER) differs from the single run ($ONE)"
  fi
  say "identical: $f ($(wc -c <"$ONE/$f") bytes)"
done
say "Slurm array of $M shards + merge == one run ($R replications, seed $SEED, $(basename "$SCENARIO"))"
