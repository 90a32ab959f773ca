#!/usr/bin/env bash
# Kill test: trains a small VAE straight through, then trains the same run
# again while killing it at random moments (SIGKILL mostly, some SIGINT and
# SIGTERM), resuming after every kill. Passes when the final checkpoint is
# byte-identical to the uninterrupted run's and metrics.jsonl holds each
# epoch exactly once.
#
#   scripts/crash-test.sh [KILLS]        (default 12; LATENT=path/to/latent)
set -euo pipefail
LATENT=${LATENT:-.build/release/latent}
KILLS=${1:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LATENT_RUNS="$work/runs" LATENT_THREADS=1
EPOCHS=4
args=(vae --data fashion-mnist --limit 4000 --validation 500 --epochs $EPOCHS --batch 64 --seed 7 --image-every 0 --json)

"$LATENT" train "${args[@]}" --name straight >/dev/null
RANDOM=42
kills=0 graceful=0 attempts=0
while :; do
    attempts=$((attempts + 1))
    if [ -f "$LATENT_RUNS/killed/config.json" ]; then
        "$LATENT" train --resume killed --json >"$work/out" 2>"$work/err" & pid=$!
    else
        "$LATENT" train "${args[@]}" --name killed >"$work/out" 2>"$work/err" & pid=$!
    fi
    if [ $kills -lt "$KILLS" ]; then
        sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
        case $((RANDOM % 4)) in 0) sig=INT ;; 1) sig=TERM ;; *) sig=KILL ;; esac
        kill -s $sig $pid 2>/dev/null || true
    fi
    status=0; wait $pid || status=$?
    case $status in
        0) [ $kills -ge "$KILLS" ] && break ;;          # finished: stop once enough kills were done
        137) kills=$((kills + 1)) ;;
        130|143) kills=$((kills + 1)); graceful=$((graceful + 1)) ;;
        *) echo "crash-test: unexpected exit $status"; cat "$work/err"; exit 1 ;;
    esac
    if [ $status = 0 ]; then
        # It finished before the kill landed: start over under a fresh name to keep killing.
        rm -rf "$LATENT_RUNS/killed"
    fi
    [ $attempts -gt $((KILLS * 10)) ] && { echo "crash-test: no progress after $attempts attempts"; exit 1; }
done
ls "$LATENT_RUNS/killed/checkpoints" | grep -q '\.tmp$' && { echo "crash-test: stale temporary files"; exit 1; }
if ! cmp -s "$LATENT_RUNS/straight/checkpoints/last.safetensors" "$LATENT_RUNS/killed/checkpoints/last.safetensors"; then
    echo "crash-test: FAILED, the final checkpoint differs from the uninterrupted run's"; exit 1
fi
for e in $(seq 1 $EPOCHS); do
    n=$(grep -c "\"epoch\":$e[,}]" "$LATENT_RUNS/killed/metrics.jsonl" || true)
    [ "$n" = 1 ] || { echo "crash-test: FAILED, epoch $e appears $n times in metrics.jsonl"; cat "$LATENT_RUNS/killed/metrics.jsonl"; exit 1; }
done
echo "crash-test: $kills kills ($graceful by SIGINT/SIGTERM, the rest SIGKILL), $attempts starts; final checkpoint byte-identical, each of $EPOCHS epochs logged once"
