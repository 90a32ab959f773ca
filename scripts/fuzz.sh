#!/usr/bin/env bash
# Coverage-guided fuzzing of every file reader: builds the LatentFuzz target
# with libFuzzer and AddressSanitizer (scratch path .build-fuzz) and runs it
# for SECONDS per reader, starting from a temporary copy of the seed corpus
# and the kept crash inputs. Every crash, timeout or out-of-memory input is
# copied to Tests/LatentTests/Fixtures/fuzz/regressions/<reader>/ (the tests
# replay them) and fuzzing of that reader goes on until its time is up.
# Logs (with the stack of each crash) stay in .build-fuzz/logs/.
#
# usage: scripts/fuzz.sh [SECONDS] [READER...]    (default: 60, idx npy png csv safetensors)
# Exits 1 when any input made a reader crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
readers=${*:-idx npy png csv safetensors}
fixtures=Tests/LatentTests/Fixtures/fuzz
logs=.build-fuzz/logs

# -use-ld=lld: gold cannot link SwiftPM's renamed entry point against libFuzzer.
build=(-c release --scratch-path .build-fuzz --product LatentFuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
       -Xcc -fsanitize=fuzzer-no-link,address)
swift build "${build[@]}"
fuzzer="$(swift build "${build[@]}" --show-bin-path)/LatentFuzz"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$logs"
crashed=0
summary=()
for reader in $readers; do
    corpus=$work/$reader/corpus
    artifacts=$work/$reader/artifacts
    mkdir -p "$corpus" "$artifacts"
    cp "$fixtures/seeds/$reader/"* "$corpus/"
    if [ -d "$fixtures/regressions/$reader" ]; then cp "$fixtures/regressions/$reader/"* "$corpus/"; fi
    executions=0
    run=0
    start=$(date +%s)
    while remaining=$(( start + seconds - $(date +%s) )); [ "$remaining" -gt 0 ]; do
        run=$(( run + 1 ))
        log=$logs/$reader-$run.log
        before=$(ls "$artifacts" | wc -l)
        # Leak checking is off: Foundation's Data(contentsOf:) leaks a 4 KiB buffer on an empty
        # file, which LeakSanitizer would report at exit as a crash of the empty input.
        ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" LATENT_FUZZ_READER=$reader "$fuzzer" "$corpus" -max_total_time="$remaining" -max_len=16384 \
            -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128 -detect_leaks=0 -use_value_profile=1 \
            -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || true
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        executions=$(( executions + ${n:-0} ))
        if [ "$(ls "$artifacts" | wc -l)" -eq "$before" ]; then break; fi
        echo "fuzz $reader: crash input found, see $log"
    done
    elapsed=$(( $(date +%s) - start ))
    found=$(ls "$artifacts" | wc -l)
    if [ "$found" -gt 0 ]; then
        crashed=1
        mkdir -p "$fixtures/regressions/$reader"
        cp "$artifacts/"* "$fixtures/regressions/$reader/"
    fi
    line="fuzz $reader: $executions executions in ${elapsed} s ($(( executions / (elapsed > 0 ? elapsed : 1) )) exec/s), corpus $(ls "$corpus" | wc -l) inputs, $found crash inputs"
    echo "$line"
    summary+=("$line")
done
printf '%s\n' "${summary[@]}"
exit $crashed
