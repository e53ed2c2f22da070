#!/usr/bin/env bash
# The engine against the reference programs of ../shared/bench, in one run on one machine:
# the same M/M/c queue (one port, c berths, Poisson arrivals, exponential service) in
#   - mmc-floor: the simplest possible Rust event loop (a floor, not a competitor),
#   - simpy_mmc.py: SimPy 4,
#   - tradesim: `tradesim bench engine` (one replication, one thread, timing Simulation::run).
# Prints each program's customers (shipments) per second and tradesim's ratio to each.
# Timings vary with the machine's load: compare the ratios of one run, never absolute
# figures across runs. Usage: scripts/bench-compare.sh [LAMBDA MU C DAYS SEED [REPEAT]]
# (default 90 10 10 20000 1 3; SimPy runs once, on the same days: about a minute).
# TRADESIM=path/to/tradesim uses that binary instead of building target/release/tradesim.
set -euo pipefail
cd "$(dirname "$0")/.."
LAMBDA=${1:-90} MU=${2:-10} C=${3:-10} DAYS=${4:-20000} SEED=${5:-1} REPEAT=${6:-3}
SHARED=${SHARED:-../shared/bench}
FLOOR_TARGET=${FLOOR_TARGET:-${TMPDIR:-/tmp}/tradesim-mmc-floor-target}

echo "== building (mmc-floor into $FLOOR_TARGET, outside the repository; tradesim --release)"
CARGO_TARGET_DIR="$FLOOR_TARGET" cargo build --release --quiet --manifest-path "$SHARED/mmc-floor/Cargo.toml"
FLOOR="$FLOOR_TARGET/release/mmc-floor"
if [ -z "${TRADESIM:-}" ]; then
  cargo build --release --quiet
  TRADESIM=target/release/tradesim
fi
python3 -c 'import simpy' 2>/dev/null || pip install --quiet simpy

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== queue: lambda=$LAMBDA/day mu=$MU/day c=$C, $DAYS days, seed $SEED; best of $REPEAT runs each"
best() { sort -g | tail -1; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
floor_runs=() tradesim_runs=()
for _ in $(seq "$REPEAT"); do
  # Interleaved, so that a change in the machine's load hits both alike.
  f=$("$FLOOR" "$LAMBDA" "$MU" "$C" "$DAYS" "$SEED")
  t=$("$TRADESIM" bench engine --lambda "$LAMBDA" --mu "$MU" --servers "$C" --days "$DAYS" --seed "$SEED" --repeat 1 | head -1)
  echo "floor:    $f"
  echo "tradesim: $t"
  floor_runs+=("$(echo "$f" | field customers_per_s)")
  tradesim_runs+=("$(echo "$t" | field shipments_per_s)")
done
s=$(python3 "$SHARED/simpy_mmc.py" "$LAMBDA" "$MU" "$C" "$DAYS" "$SEED")
echo "simpy:    $s"
F=$(printf '%s\n' "${floor_runs[@]}" | best)
T=$(printf '%s\n' "${tradesim_runs[@]}" | best)
S=$(echo "$s" | field customers_per_s)
echo "== customers (shipments) per second, best run"
python3 - "$F" "$T" "$S" <<'PY'
import sys
f, t, s = map(float, sys.argv[1:])
print(f"mmc-floor {f:12,.0f}/s")
print(f"tradesim  {t:12,.0f}/s   tradesim / floor = {t / f:.3f}   (target >= 0.5)")
print(f"simpy     {s:12,.0f}/s   tradesim / simpy = {t / s:.1f}")
PY
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
