#!/usr/bin/env bash
# make test-mpi: the same runs on 2 processes (mpirun -np 2) and on one, with the same global batch.
# Passes when every epoch's metrics agree to 1e-4 (relative) after 135 steps, the checkpoints hold the same
# tensors with the same shapes and each weight tensor agrees to 1e-3 (relative norm of the difference), config.json records world_size 2, only rank 0 wrote,
# and a run stopped after 2 epochs and resumed under mpirun ends as the straight one; a sweep on 2 processes
# equals the serial sweep; a rank that throws or is killed ends the job (with a timeout, so a hang fails)
# and the killed run resumes from rank 0's last checkpoint on 1 and on 2 processes.
#
#   scripts/mpi-test.sh        (LATENT=path/to/latent built with `make build-mpi`)
set -euo pipefail
LATENT=${LATENT:-.build-mpi/release/latent}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LATENT_RUNS="$work/runs"
# Settings a container needs: oversubscription and no binding (else both ranks share one core),
# shared memory without the kernel's single-copy mechanism, and root allowed where CI runs as root.
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
command -v mpirun >/dev/null || { echo "mpi-test: mpirun not found (apt-get install openmpi-bin)"; exit 1; }
mpi=(mpirun -np 2 --bind-to none)

"$LATENT" doctor | grep -q "^MPI .*Open MPI" || { echo "mpi-test: $LATENT was built without MPI (make build-mpi)"; exit 1; }

vae=(vae --data fashion-mnist --limit 6400 --validation 640 --batch 128 --seed 3 --image-every 0 --threads 1)
rbm=(rbm --data fashion-mnist --limit 3200 --validation 320 --batch 100 --seed 3 --image-every 0 --threads 1 --epochs 2)
run() { "$@" >"$work/out" 2>"$work/err" || { echo "mpi-test: FAILED: $*"; cat "$work/out" "$work/err"; exit 1; }; }

# 3 epochs of 45 steps: only summation order differs, so the runs agree to ~1e-8 until a ReLU near its
# kink flips on one side only; from then on the runs drift apart as any two orders of summation do
# (here ~7e-5 in the losses after 200 steps), so longer runs make a looser test, not a stricter one.
run "$LATENT" train "${vae[@]}" --epochs 3 --name vae-1
run "${mpi[@]}" "$LATENT" train "${vae[@]}" --epochs 3 --name vae-2
run "${mpi[@]}" "$LATENT" train "${vae[@]}" --epochs 2 --name vae-2-resumed
run "${mpi[@]}" "$LATENT" train --resume vae-2-resumed --epochs 3 --override
run "$LATENT" train "${rbm[@]}" --name rbm-1
run "${mpi[@]}" "$LATENT" train "${rbm[@]}" --name rbm-2

python3 - "$LATENT_RUNS" <<'PY'
import json, struct, sys, os
root = sys.argv[1]

def metrics(run):
    return [json.loads(l) for l in open(f"{root}/{run}/metrics.jsonl") if l.strip()]

def tensors(run):
    with open(f"{root}/{run}/checkpoints/last.safetensors", "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n)); body = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__": continue
        a, b = t["data_offsets"]
        values = struct.unpack(f"<{(b - a) // 4}f", body[a:b]) if t["dtype"] == "F32" else None
        out[name] = (t["shape"], values)
    return out

def compare(single, parallel, loss_tol, weight_tol):
    a, b = metrics(single), metrics(parallel)
    assert len(a) == len(b), f"{parallel}: {len(b)} epochs against {len(a)}"
    worst = 0.0
    for ra, rb in zip(a, b):
        for k, v in ra.items():
            if k in ("seconds", "images_per_sec") or not isinstance(v, float): continue
            worst = max(worst, abs(v - rb[k]) / max(abs(v), 1e-12))
    ta, tb = tensors(single), tensors(parallel)
    assert {k: v[0] for k, v in ta.items()} == {k: v[0] for k, v in tb.items()}, f"{parallel}: checkpoint tensors or shapes differ"
    # Per weight tensor: ‖a − b‖ / ‖a‖. (Single weights drift further: where a gradient is ~0, Adam's
    # m/√v is a ±1 of rounding noise, so a weight no pixel ever moves walks by up to lr per step.)
    weight, largest = 0.0, 0.0
    for k, (shape, x) in ta.items():
        if x is None or not k.startswith("model."): continue
        y = tb[k][1]
        diff = sum((u - v) ** 2 for u, v in zip(x, y)) ** 0.5
        weight = max(weight, diff / max(sum(u * u for u in x) ** 0.5, 1e-12))
        largest = max(largest, max(abs(u - v) for u, v in zip(x, y)))
    config = json.load(open(f"{root}/{parallel}/config.json"))
    assert config.get("world_size") == 2, f"{parallel}: config.json has world_size {config.get('world_size')}"
    last = a[-1]
    print(f"mpi-test: {parallel} vs {single}: {len(a)} epochs, largest relative metric difference {worst:.2e}, "
          f"weights: largest relative difference {weight:.2e} of a tensor, {largest:.2e} of one weight "
          f"(final loss {last.get('loss', last.get('reconstruction_error'))})")
    assert worst <= loss_tol, f"{parallel}: metrics differ by {worst:.2e} > {loss_tol}"
    assert weight <= weight_tol, f"{parallel}: weights differ by {weight:.2e} > {weight_tol}"

compare("vae-1", "vae-2", 1e-4, 1e-3)
compare("vae-1", "vae-2-resumed", 1e-4, 1e-3)
compare("rbm-1", "rbm-2", 1e-4, 1e-3)
runs = sorted(os.listdir(root))
assert runs == ["rbm-1", "rbm-2", "vae-1", "vae-2", "vae-2-resumed"], f"unexpected run folders {runs}"
PY

# A sweep spread over 2 processes (settings round-robin, each trained as a run of one process) equals the
# serial sweep bit for bit: the same run folders, the same metrics and the same table; rank 1 prints nothing.
# (--threads 1 on both sides: the serial sweep's default, and the same BLAS threads make the same sums.)
sweep=(vae --data fashion-mnist --limit 1280 --validation 128 --batch 64 --seed 5 --latent 2,5 --lr 1e-3,3e-3 --epochs 2 --threads 1 --name sw)
LATENT_RUNS="$work/sweep-serial" run "$LATENT" sweep "${sweep[@]}"
LATENT_RUNS="$work/sweep-mpi" run "${mpi[@]}" --tag-output "$LATENT" sweep "${sweep[@]}"
grep -q '^\[1,1\]' "$work/out" "$work/err" && { echo "mpi-test: FAILED: rank 1 of the sweep printed:"; grep '^\[1,1\]' "$work/out" "$work/err"; exit 1; }
[ "$(grep -c '| setting | run |' "$work/out")" = 1 ] || { echo "mpi-test: FAILED: the sweep's table was not printed once"; cat "$work/out"; exit 1; }
LATENT_RUNS="$work/sweep-mpi" run "${mpi[@]}" "$LATENT" sweep "${sweep[@]}" --resume
[ "$(grep -c 'finished, skipped' "$work/out")" = 2 ] || { echo "mpi-test: FAILED: sweep --resume under mpirun should skip rank 0's 2 finished settings"; cat "$work/out"; exit 1; }
python3 - "$work/sweep-serial" "$work/sweep-mpi" <<'PY'
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
runs = sorted(os.listdir(a))
assert runs == sorted(os.listdir(b)) and len(runs) == 5, f"run folders differ: {runs} against {sorted(os.listdir(b))}"
def metrics(root, run):
    return [{k: v for k, v in json.loads(l).items() if k not in ("seconds", "images_per_sec")}
            for l in open(f"{root}/{run}/metrics.jsonl") if l.strip()]
for run in runs:
    if run == "sw": continue
    assert metrics(a, run) == metrics(b, run), f"{run}: the metrics differ between the serial and the mpirun sweep"
    assert "world_size" not in json.load(open(f"{b}/{run}/config.json")), f"{run}: a setting trained on several processes"
assert open(f"{a}/sw/sweep.md").read() == open(f"{b}/sw/sweep.md").read(), "sweep.md differs"
assert json.load(open(f"{a}/sw/sweep.json")) == json.load(open(f"{b}/sw/sweep.json")), "sweep.json differs"
print(f"mpi-test: sweep of {len(runs) - 1} settings on 2 processes equals the serial sweep (metrics and table bit for bit)")
PY

# Faults. A rank that fails takes the job down at once (MPI_Abort), with its error line: here rank 0 cannot
# create the run (the name is taken) while rank 1 waits for it.
fails() {   # fails SECONDS PATTERN COMMAND…: the command must end within SECONDS, fail, and say PATTERN
    local limit=$1 pattern=$2; shift 2
    local code=0; timeout -s KILL "$limit" "$@" >"$work/out" 2>"$work/err" || code=$?
    [ "$code" = 137 ] && { echo "mpi-test: FAILED: hung for ${limit}s: $*"; exit 1; }
    [ "$code" = 0 ] && { echo "mpi-test: FAILED: succeeded: $*"; exit 1; }
    grep -q "$pattern" "$work/out" "$work/err" || { echo "mpi-test: FAILED: no '$pattern' from: $*"; cat "$work/out" "$work/err"; exit 1; }
}
fails 60 "Error: a run named 'vae-1' already exists" "${mpi[@]}" "$LATENT" train "${vae[@]}" --epochs 1 --name vae-1
echo "mpi-test: a rank that throws ends the job: $(grep -m1 '^Error:' "$work/err")"

# A rank killed (SIGKILL) in the middle of training: mpirun ends the job and names the rank and the signal;
# the last checkpoint rank 0 wrote then resumes on one process and on two, each epoch in the metrics once.
long=(vae --data fashion-mnist --limit 6400 --validation 640 --batch 128 --seed 3 --image-every 0 --threads 1 --epochs 4)
"${mpi[@]}" "$LATENT" train "${long[@]}" --name killed >"$work/kill-out" 2>"$work/kill-err" &
launcher=$!
for _ in $(seq 6000); do [ -s "$LATENT_RUNS/killed/metrics.jsonl" ] && break; sleep 0.02; done
victim=""
for pid in $(pgrep -P "$launcher"); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" && victim=$pid
done
[ -n "$victim" ] || { echo "mpi-test: FAILED: rank 1 of the run to kill not found (did it finish first?)"; cat "$work/kill-out" "$work/kill-err"; exit 1; }
kill -KILL "$victim"
code=0
for _ in $(seq 600); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$launcher" 2>/dev/null; then kill -KILL "$launcher"; echo "mpi-test: FAILED: the job hung for 60 s after rank 1 was killed"; exit 1; fi
wait "$launcher" || code=$?
[ "$code" != 0 ] || { echo "mpi-test: FAILED: mpirun exited 0 after a rank was killed"; exit 1; }
grep -q "rank 1 .*signal 9" "$work/kill-out" "$work/kill-err" || { echo "mpi-test: FAILED: mpirun did not name the killed rank"; cat "$work/kill-out" "$work/kill-err"; exit 1; }
echo "mpi-test: a killed rank ends the job (exit $code): $(grep -h -m1 'rank 1 .*signal 9' "$work/kill-out" "$work/kill-err" | sed 's/^ *//')"
cp -r "$LATENT_RUNS/killed" "$LATENT_RUNS/killed-2"
run "$LATENT" train --resume killed
run "${mpi[@]}" "$LATENT" train --resume killed-2
run "$LATENT" train "${long[@]}" --name straight
python3 - "$LATENT_RUNS" <<'PY'
import json, sys
root = sys.argv[1]
def epochs(run):
    return [json.loads(l) for l in open(f"{root}/{run}/metrics.jsonl") if l.strip() and "step" not in json.loads(l)]
ref = epochs("straight")
for run in ("killed", "killed-2"):
    e = epochs(run)
    assert [r["epoch"] for r in e] == list(range(1, 5)), f"{run}: epochs {[r['epoch'] for r in e]}"
    worst = max(abs(a["loss"] - b["loss"]) / abs(a["loss"]) for a, b in zip(ref, e))
    assert worst < 1e-3, f"{run}: losses differ from the straight run by {worst:.2e}"
    print(f"mpi-test: {run}: killed under -np 2, resumed on {'1 process' if run == 'killed' else '2 processes'}: "
          f"epochs 1..4 once each, losses within {worst:.1e} of an uninterrupted run")
PY
echo "mpi-test: passed"
