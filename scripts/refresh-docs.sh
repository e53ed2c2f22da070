#!/usr/bin/env bash
# Keeps the figures in the docs true: they are written by this script from real runs.
#
#   scripts/refresh-docs.sh
#       Runs the release binary and rewrites, between their markers,
#       - README.md      <!-- example-output:begin ... -->  ...  <!-- example-output:end -->
#                        the console output of `cargo run --release` (the embedded default
#                        scenario, run as a new user runs it) and the sentence saying
#                        when, how many replications, how long and on how many cores;
#       - docs/cluster.md  <!-- sizing:begin ... -->  ...  <!-- sizing:end -->
#                        the sizing table (t per replication, shard size and peak memory,
#                        merge time and peak memory), and
#                        <!-- slurm-example:begin ... -->  ...  <!-- slurm-example:end -->
#                        the array.sbatch that `tradesim slurm` writes for the quick start.
#       Run it on an idle machine (see `uptime`): times are the fastest of $REPEAT runs,
#       memory the largest peak. It takes about 3 minutes on two cores. Review the diff
#       (and the hand-written "How to read it" paragraph after README's example, which
#       quotes its figures), then commit.
#
#   scripts/refresh-docs.sh --check CONSOLE_FILE [README]
#       Checks that README's example has the format of CONSOLE_FILE, the stdout of a
#       current `tradesim run` of the default scenario (any replication count; .ci/run
#       passes its default run). Exit 0 if the skeletons match, 1 with a diff if not,
#       2 on a usage error. Needs only bash, awk, sed and diff.
#
#   scripts/refresh-docs.sh --skeleton FILE
#       Prints the skeleton that --check compares (of a console output or of README.md).
#
# The skeleton of a console output keeps its format and drops its values:
#   - every table becomes one line, "table: col | col | ...", with its column names as
#     printed (a ruler of dashes under a line marks a header); its rows, up to a blank
#     line or a "..." that elides the rest, are dropped, so the row count (strategies,
#     nodes) may differ;
#   - blank lines are dropped; every other line (titles, section lines, the final
#     "results in" line) is kept with each run of digits replaced by N, so values,
#     replication counts and times do not matter but the wording and order do;
#   - what legitimately varies with the replication count or the run is abstracted:
#     "1 replication"/"1 strategy" read as plurals; the interval method of the
#     differences ("bootstrap 95% CI, N resamples" below a record limit, "large-sample
#     95% CI" above it) reads as one; ", over the replications with a disruption" (only
#     when some replications had none) is dropped; the precision-target line is reduced
#     to "target met or NOT met: …", because whether the target is met, after how many
#     replications and with which half-widths are results, not format; the output
#     folder in "results in DIR/" is dropped (README shows outputs/..., CI uses --out).
#
# Environment: TRADESIM (default target/release/tradesim), REPEAT (runs per timed
# figure, default 3), WORK (scratch folder, default target/refresh-docs), MAX_LOAD (warn
# above this 1-minute load average, default 0.5), EXAMPLE_NODES (rows of the busiest
# nodes table kept in README's example, default 2).
set -euo pipefail

# usage [CODE]: this header as help, on stdout for --help (0), else on stderr (2).
usage() {
    if [[ ${1:-2} == 0 ]]; then
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    else
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    fi
    exit "${1:-2}"
}

# ---- the skeleton (--check, --skeleton) --------------------------------------------

# skeleton < console text: the format of a console output, one item a line.
skeleton() {
    awk '
    function norm(s) {
        if (s ~ /^target (met|NOT met):/) return "target met or NOT met: …"
        sub(/^results in .*\/ \(/, "results in DIR/ (", s)
        gsub(/\(bootstrap 95% CI, [0-9]+ resamples\)/, "(95% CI: bootstrap or large-sample)", s)
        gsub(/\(large-sample 95% CI\)/, "(95% CI: bootstrap or large-sample)", s)
        sub(/, over the replications with a disruption:$/, ":", s)
        gsub(/(^|[^0-9])1 replication /, " N replications ", s)
        gsub(/(^|[^0-9])1 strategy/, " N strategies", s)
        gsub(/[0-9]+/, "N", s)
        return s
    }
    { sub(/[ \t\r]+$/, ""); line[++n] = $0 }
    END {
        i = 1
        while (i <= n) {
            l = line[i]
            if (l == "" || l == "...") { i++; continue }
            if (i < n && line[i + 1] ~ /^-+(  +-+)*$/) {
                h = l
                sub(/^ +/, "", h)
                nc = split(h, cell, /  +/)
                out = "table:"
                for (c = 1; c <= nc; c++) out = out (c > 1 ? " |" : "") " " cell[c]
                nr = split(line[i + 1], rule, /  +/)
                if (nr != nc) out = out "   (ruler of " nr " columns)"
                print out
                i += 2
                # Rows end at a blank line, or after the "..." that elides the rest.
                while (i <= n && line[i] != "") if (line[i++] == "...") break
                continue
            }
            print norm(l)
            i++
        }
    }'
}

# readme_example README: the console text inside the ```text fence between the markers.
readme_example() {
    awk '
    /^<!-- example-output:begin/ { inside = 1; next }
    /^<!-- example-output:end/ { inside = 0; next }
    inside && /^```text$/ { fence = 1; next }
    inside && fence && /^```$/ { fence = 0; next }
    inside && fence { print }
    ' "$1"
}

check() {
    local console=$1 readme=$2
    [[ -s $console ]] || { echo "refresh-docs: $console is missing or empty" >&2; exit 2; }
    [[ -f $readme ]] || { echo "refresh-docs: $readme not found" >&2; exit 2; }
    local example
    example=$(readme_example "$readme")
    if [[ $(grep -c '^<!-- example-output:begin' "$readme") != 1 ||
        $(grep -c '^<!-- example-output:end' "$readme") != 1 || -z $example ]]; then
        echo "refresh-docs: $readme needs one <!-- example-output:begin --> line, then the example in a \`\`\`text fence, then one <!-- example-output:end --> line" >&2
        exit 2
    fi
    local tmp
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    printf '%s\n' "$example" | skeleton >"$tmp/readme"
    skeleton <"$console" >"$tmp/current"
    if diff -u --label "$readme (example output)" --label "$console (current run)" \
        "$tmp/readme" "$tmp/current" >"$tmp/diff"; then
        echo "README example matches the format of $console ($(wc -l <"$tmp/current") skeleton lines)"
        return 0
    fi
    cat >&2 <<EOF
refresh-docs: the example output in $readme no longer has the format of the current
run's output ($console). Skeletons (tables as their column names, digits as N; see
scripts/refresh-docs.sh), README's first:
EOF
    cat "$tmp/diff" >&2
    echo "Refresh it with scripts/refresh-docs.sh on an idle machine and commit README.md." >&2
    exit 1
}

case "${1:-}" in
    --check)
        [[ $# -ge 2 && $# -le 3 ]] || usage
        check "$2" "${3:-$(dirname "$0")/../README.md}"
        exit 0
        ;;
    --skeleton)
        [[ $# -eq 2 ]] || usage
        if grep -q '^<!-- example-output:begin' "$2"; then
            readme_example "$2" | skeleton
        else
            skeleton <"$2"
        fi
        exit 0
        ;;
    -h | --help) usage 0 ;;
    "") ;;
    *) usage ;;
esac

# ---- measuring -------------------------------------------------------------------------

cd "$(dirname "$0")/.."
repo=$PWD
TRADESIM=${TRADESIM:-target/release/tradesim}
[[ $TRADESIM == /* ]] || TRADESIM="$repo/$TRADESIM"
REPEAT=${REPEAT:-3}
WORK=${WORK:-target/refresh-docs}
MAX_LOAD=${MAX_LOAD:-0.5}
EXAMPLE_NODES=${EXAMPLE_NODES:-2}
[[ -x $TRADESIM ]] || { echo "refresh-docs: no binary at $TRADESIM (cargo build --release)" >&2; exit 2; }
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "refresh-docs: REPEAT must be a positive integer" >&2; exit 2; }

# Peak RSS of a child: GNU time if installed, else python3 (getrusage); neither is
# needed by --check.
if [[ -x /usr/bin/time ]] && /usr/bin/time --version 2>&1 | grep -q GNU; then
    rss_tool=gnu-time
elif command -v python3 >/dev/null 2>&1; then
    rss_tool=python3
else
    echo "refresh-docs: needs GNU time (apt-get install time) or python3 to measure peak memory" >&2
    exit 2
fi

if [[ -n $(find src Cargo.toml Cargo.lock scenarios -newer "$TRADESIM" -type f 2>/dev/null | head -1) ]]; then
    echo "refresh-docs: warning: sources are newer than $TRADESIM; run cargo build --release first" >&2
fi

load() { cut -d' ' -f1 /proc/loadavg; }
load_start=$(load)
if awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; then
    echo "refresh-docs: warning: load average $load_start > $MAX_LOAD; the times will be inflated (wait for an idle machine)" >&2
fi

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
log="$WORK/figures.txt"
: >"$log"
say() { echo "$*" | tee -a "$log"; }

# measure PREFIX CMD...: runs CMD (stdout to PREFIX.out, stderr to PREFIX.err; in the
# folder $IN if set) and sets M_NS (wall time, ns) and M_KIB (peak resident set size,
# KiB).
measure() {
    local prefix=$1 t0 t1
    shift
    t0=$(date +%s%N)
    (
        [[ -z ${IN:-} ]] || cd "$IN"
        if [[ $rss_tool == gnu-time ]]; then
            /usr/bin/time -f '%M' -o "$prefix.rss" "$@" >"$prefix.out" 2>"$prefix.err"
        else
            python3 -c '
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=f)
sys.exit(code)' "$prefix.rss" "$@" >"$prefix.out" 2>"$prefix.err"
        fi
    ) || {
        echo "refresh-docs: failed: $* (stderr: $prefix.err)" >&2
        tail -n 5 "$prefix.err" >&2
        exit 1
    }
    t1=$(date +%s%N)
    M_NS=$((t1 - t0))
    M_KIB=$(tail -n 1 "$prefix.rss")
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }'; }
# wrap < text: the words refilled into lines of at most 88 bytes, one space between.
wrap() {
    awk -v w=88 '{
        for (i = 1; i <= NF; i++) {
            if (len && len + 1 + length($i) > w) { print line; len = 0 }
            line = len ? line " " $i : $i
            len = len ? len + 1 + length($i) : length($i)
        }
    } END { if (len) print line }'
}
# calc FORMAT EXPRESSION: awk's printf of the expression.
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
bytes() { cat "$@" | wc -c; }

version=$("$TRADESIM" --version)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown && -n $(git status --porcelain -- src Cargo.toml Cargo.lock scenarios 2>/dev/null) ]]; then
    commit="$commit + uncommitted changes"
fi
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
day=$(date -u +%Y-%m-%d)
say "refresh-docs: $version ($commit), $cores cores ($cpu), load $load_start, $rss_tool, REPEAT=$REPEAT"

# ---- README: the default run, as a new user runs it ----------------------------------

# In a folder of its own, so that the last line reads "results in outputs/...", as it
# does for `cargo run --release` in a checkout, without touching the checkout's outputs/.
example="" example_ns=""
for i in $(seq "$REPEAT"); do
    dir="$WORK/example-$i"
    mkdir -p "$dir"
    l=$(load)
    IN=$dir measure "$dir/run" "$TRADESIM" run
    rm -rf "$dir/outputs"
    say "default run $i/$REPEAT: $(calc '%.1f' "$M_NS / 1e9") s wall, $((M_KIB / 1024)) MiB peak, load $l before; $(tail -n 1 "$dir/run.out")"
    if [[ -n $example ]] && ! cmp -s <(sed '$d' "$example") <(sed '$d' "$dir/run.out"); then
        echo "refresh-docs: two default runs printed different results ($example, $dir/run.out)" >&2
        exit 1
    fi
    if [[ -z $example_ns || $M_NS -lt $example_ns ]]; then
        example="$dir/run.out" example_ns=$M_NS
    fi
done

title_re=' — ([0-9]+) replications? × ([0-9]+) strateg'
title=$(grep -m 1 -E "$title_re" "$example")
[[ $title =~ $title_re ]]
reps=${BASH_REMATCH[1]} strats=${BASH_REMATCH[2]}
plural() { if [[ $1 == 1 ]]; then echo "$1 $2"; else echo "$1 $3"; fi; }
batch="$(plural "$reps" replication replications) × $(plural "$strats" strategy strategies)"
if grep -q '^target met' "$example"; then
    ran="It stopped at $batch, when its precision target was met"
elif grep -q '^target NOT met' "$example"; then
    ran="It ran to its cap of $batch (its precision target was not met)"
else
    ran="It ran $batch"
fi
if [[ $REPEAT == 1 ]]; then fastest="one run"; else fastest="the fastest of $REPEAT runs"; fi
{
    wrap <<EOF
Here is \`cargo run --release\` as \`scripts/refresh-docs.sh\` ran it on $day ($version,
commit $commit). $ran in $(calc '%.0f' "$example_ns / 1e9") s of wall time, writing every
output file, on $cores cores ($cpu), $fastest; the 1-minute load average was
$load_start before the script's runs.
The busiest-nodes table is cut after $EXAMPLE_NODES rows:
EOF
    echo
    echo '```text'
    awk -v keep="$EXAMPLE_NODES" '
        !started && $0 == "" { next }
        { started = 1 }
        /^busiest nodes/ { state = 1; print; next }
        state == 1 { print; if ($0 ~ /^-+(  +-+)*$/) { state = 2; rows = 0 }; next }
        state == 2 {
            if ($0 == "") { state = 0; print; next }
            if (++rows <= keep) print
            else if (!dots) { print "..."; dots = 1 }
            next
        }
        { print }
    ' "$example"
    echo '```'
} >"$WORK/readme-example.md"

# ---- docs/cluster.md: sizing figures -------------------------------------------------

declare -A T STRATS SIZE2 ROWS2 SIZE8 ROWS8 PEAK2 PEAK8 MERGE_S MERGE_MB JSON_MB
sizing() {
    local name=$1 file="$repo/scenarios/$1.toml" d="$WORK/$1" best="" peak="" i k s
    mkdir -p "$d"
    # t, as the docs tell a user to measure it: the run time of 4 replications on one
    # thread, ÷ 4. The run is a shard (1/1, the same replications) because the shard file
    # records that time unrounded; the last line of a run rounds it to 0.1 s.
    for i in $(seq "$REPEAT"); do
        measure "$d/probe-$i" "$TRADESIM" run "$file" --replications 4 --threads 1 --shard 1/1 --out "$d/probe-$i" --quiet
        s=$(grep -o '"seconds": *[0-9.eE+-]*' "$d/probe-$i/shard-1-of-1.json" | sed 's/.*: *//')
        say "$name: run --replications 4 --threads 1, $i/$REPEAT: $s s"
        best=$(min "$best" "$s")
    done
    T[$name]=$(calc '%.2f' "$best / 4")
    STRATS[$name]=$("$TRADESIM" validate "$file" | sed -n 's/^  strategies: //p' | awk -F', ' '{ print NF }')
    rm -rf "$d"/probe-*/
    # 10 shards of 2 replications each, one thread each, as the Slurm tasks run them.
    for k in $(seq 10); do
        measure "$d/shard-$k" "$TRADESIM" run "$file" --replications 20 --shard "$k/10" --threads 1 --out "$d/shards" --quiet
        peak=$(max "$peak" "$M_KIB")
    done
    PEAK2[$name]=$(calc '%.0f' "$peak * 1024 / 1e6")
    local json rows
    json=$(bytes "$d"/shards/shard-*-of-10.json)
    rows=$(bytes "$d"/shards/shard-*-of-10.replications.csv)
    SIZE2[$name]=$(calc '%.1f' "$json / 10 / 1e6")
    ROWS2[$name]=$(calc '%.2f' "$rows / 10 / 1e6")
    JSON_MB[$name]=$(calc '%.0f' "$json / 1e6")
    say "$name: 10 shards of 2 replications: $json bytes of shard JSON, $rows of rows; peak $peak KiB"
    # One shard of 8 replications: how the file and the memory grow.
    measure "$d/shard8" "$TRADESIM" run "$file" --replications 8 --shard 1/1 --threads 1 --out "$d/shard8" --quiet
    SIZE8[$name]=$(calc '%.1f' "$(bytes "$d"/shard8/shard-1-of-1.json) / 1e6")
    ROWS8[$name]=$(calc '%.2f' "$(bytes "$d"/shard8/shard-1-of-1.replications.csv) / 1e6")
    PEAK8[$name]=$(calc '%.0f' "$M_KIB * 1024 / 1e6")
    say "$name: 1 shard of 8 replications: ${SIZE8[$name]} MB JSON, ${ROWS8[$name]} MB rows; peak $M_KIB KiB"
    # Merging the 10 shards.
    best="" peak=""
    for i in $(seq "$REPEAT"); do
        measure "$d/merge-$i" "$TRADESIM" merge "$d/shards" --out "$d/merged-$i"
        say "$name: merge of 10 shards, $i/$REPEAT: $(calc '%.3f' "$M_NS / 1e9") s wall, peak $M_KIB KiB"
        best=$(min "$best" "$M_NS")
        peak=$(max "$peak" "$M_KIB")
        rm -rf "$d/merged-$i"
    done
    MERGE_S[$name]=$(calc '%.2f' "$best / 1e9")
    MERGE_MB[$name]=$(calc '%.0f' "$peak * 1024 / 1e6")
    rm -rf "$d/shards" "$d/shard8" # hundreds of MB; the figures are in $log
}

scenarios=(us-japan-tohoku-2011 mra-revocation)
for name in "${scenarios[@]}"; do
    sizing "$name"
done
load_end=$(load)

{
    wrap <<EOF
Measured by \`scripts/refresh-docs.sh\` on $day ($version, commit $commit) on $cores
cores ($cpu); the 1-minute load average was $load_start before the script's runs.
Times are $fastest, on one thread; memory is the peak resident set size, the largest
over the runs; 1 MB = 10⁶ bytes.
EOF
    echo
    header="| |" rule="|---|"
    for name in "${scenarios[@]}"; do
        header+=" \`$name\` |" rule+="---|"
    done
    echo "$header"
    echo "$rule"
    out="| strategies |"; for n in "${scenarios[@]}"; do out+=" ${STRATS[$n]} |"; done; echo "$out"
    out="| \`t\`: one replication of all the strategies on one thread (\`run --replications 4 --threads 1\`: run time ÷ 4) |"
    for n in "${scenarios[@]}"; do out+=" ${T[$n]} s |"; done; echo "$out"
    out="| 1,000 replications on one core (1000 × \`t\`) |"
    for n in "${scenarios[@]}"; do out+=" $(calc '%.0f' "1000 * ${T[$n]} / 60") min |"; done; echo "$out"
    out="| files of a shard of 2 replications (\`shard-K-of-M.json\` + rows) |"
    for n in "${scenarios[@]}"; do out+=" ${SIZE2[$n]} MB + ${ROWS2[$n]} MB |"; done; echo "$out"
    out="| files of a shard of 8 replications |"
    for n in "${scenarios[@]}"; do out+=" ${SIZE8[$n]} MB + ${ROWS8[$n]} MB |"; done; echo "$out"
    out="| peak memory of a shard of 2 / 8 replications |"
    for n in "${scenarios[@]}"; do out+=" ${PEAK2[$n]} / ${PEAK8[$n]} MB |"; done; echo "$out"
    out="| \`tradesim merge\` of 10 shards of 2 replications: time |"
    for n in "${scenarios[@]}"; do out+=" ${MERGE_S[$n]} s |"; done; echo "$out"
    out="| the same: peak memory, next to the shards' JSON files in all |"
    for n in "${scenarios[@]}"; do out+=" ${MERGE_MB[$n]} MB; ${JSON_MB[$n]} MB |"; done; echo "$out"
} >"$WORK/sizing.md"

# ---- docs/cluster.md: the array.sbatch of the quick start ----------------------------

slurm_dir="$WORK/slurm"
mkdir -p "$slurm_dir"
"$TRADESIM" slurm scenarios/us-japan-tohoku-2011.toml --replications 10000 --tasks 20 \
    --partition normal --time 0:15:00 --mem 1G --cpus 1 --out "$slurm_dir/tohoku-10000" \
    --tradesim /home/alice/bin/tradesim >/dev/null
{
    echo '```sh'
    echo '# array.sbatch'
    sed "s|$slurm_dir|/scratch/alice|g" "$slurm_dir/tohoku-10000/array.sbatch"
    echo '```'
} >"$WORK/slurm-example.md"

# ---- writing the docs ------------------------------------------------------------------

# replace FILE NAME CONTENT: the lines between <!-- NAME:begin ...--> and <!-- NAME:end
# ...--> of FILE become CONTENT's (the marker lines stay).
replace() {
    local file=$1 name=$2 content=$3
    if [[ $(grep -c "^<!-- $name:begin" "$file") != 1 || $(grep -c "^<!-- $name:end" "$file") != 1 ]]; then
        echo "refresh-docs: $file needs one <!-- $name:begin --> and one <!-- $name:end --> line" >&2
        exit 1
    fi
    awk -v b="<!-- $name:begin" -v e="<!-- $name:end" -v f="$content" '
        index($0, b) == 1 { print; while ((getline l < f) > 0) print l; skip = 1; next }
        index($0, e) == 1 { skip = 0 }
        !skip { print }
    ' "$file" >"$file.tmp"
    mv "$file.tmp" "$file"
}
replace README.md example-output "$WORK/readme-example.md"
replace docs/cluster.md sizing "$WORK/sizing.md"
replace docs/cluster.md slurm-example "$WORK/slurm-example.md"
check "$example" README.md

say "load average at the end: $load_end"
echo "figures in $log; rewrote README.md and docs/cluster.md between their markers:"
git diff --stat -- README.md docs/cluster.md || true
echo "Re-read README's \"How to read it\" paragraph (after the example): it quotes the example's figures."
