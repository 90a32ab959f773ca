#!/usr/bin/env bash
# `make test-browser`: headless Chromium (Debian's `chromium`) loads the run page of a tiny run served by
# latent-serve on a free port and checks the rendered page (--dump-dom, after its script ran) has the loss
# chart and the run's pictures. With a third argument, also saves a screenshot of the page there.
#
# Usage: scripts/browser-check.sh LATENT LATENT_SERVE [SCREENSHOT.png]
set -euo pipefail
latent=$(realpath "$1"); serve=$(realpath "$2"); shot=${3:-}
work=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

# 48 tiny 8×8 images (a bright row per class) as a float32 .npy, without numpy.
python3 - "$work/rows.npy" <<'PY'
import struct, sys
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (48, 8, 8), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
pixels = [0.9 if y == i % 8 else 0.1 + 0.02 * x for i in range(48) for y in range(8) for x in range(8)]
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<%df" % len(pixels), *pixels))
PY
"$latent" train vae --data "$work/rows.npy" --validation 8 --epochs 3 --batch 8 --latent 2 --hidden 16 \
    --name tiny --runs "$work/runs" > "$work/train.log"

"$serve" --runs "$work/runs" --port 0 > "$work/serve.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "latent-serve printed no address:"; cat "$work/serve.log"; exit 1; }

browse() {   # browse MODE URL: Chromium headless, the page's script given virtual time to fetch and draw
    chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
        --window-size=1100,900 --virtual-time-budget=8000 "$@" 2>> "$work/chromium.log"
}
browse --dump-dom "$url/run/tiny" > "$work/run.html"

failed=0
expect() {   # expect WHAT PATTERN
    if grep -q -- "$2" "$work/run.html"; then echo "ok: $1"; else echo "FAILED: $1 (no '$2' in the page)"; failed=1; fi
}
expect "the run page names the run" '<h1 id="title">tiny</h1>'
expect "its summary was filled in from the metrics" 'epoch 3 of 3'
expect "the loss chart is drawn" '<svg class="chart"'
expect "the chart has the loss curve" '>loss<'
expect "the chart has the validation curve" 'val_loss'
expect "the newest samples are shown" 'src="/run/tiny/images/samples'
expect "the reconstructions are shown" 'src="/run/tiny/images/reconstructions.png'
expect "the explorer is linked" 'href="/run/tiny/explore"'
if [ "$failed" != 0 ]; then
    echo "--- rendered page:"; cat "$work/run.html"; exit 1
fi
if [ -n "$shot" ]; then
    browse --screenshot="$(realpath -m "$shot")" "$url/run/tiny" > /dev/null
    echo "screenshot: $shot"
fi
echo "browser check: the run page renders its chart and pictures in Chromium"
