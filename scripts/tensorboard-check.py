#!/usr/bin/env python3
"""Reads the event files of `latent train --tensorboard` with the `tensorboard` package's own reader.

Usage: tensorboard-check.py LATENT_BINARY

Trains a tiny VAE for 2 epochs with --tensorboard, resumes it to 3 epochs (a second event file), and checks with
tensorboard.backend.event_processing.event_accumulator that every epoch metric of metrics.jsonl is there at the
epoch's last global step with its value (as float32), that the per-step losses cover every step, that the sample
grids are the PNG files the trainer wrote (same bytes, same width and height) and that the options are a text summary.
Exits 1 on the first failed check.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from tensorboard.backend.event_processing import event_accumulator


def check(ok, what):
    if not ok:
        print("tensorboard check FAILED: " + what, file=sys.stderr)
        sys.exit(1)
    print("ok: " + what)


def png_size(data):
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "an image summary holds a PNG")
    return struct.unpack(">II", data[16:24])   # IHDR: width, height


def main():
    latent = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="latent-tensorboard-")
    images = np.full((48, 6, 6), 0.1, dtype=np.float32)
    for i in range(48):
        images[i, i % 6, :] = 0.9
    np.save(os.path.join(work, "rows.npy"), images)
    runs = os.path.join(work, "runs")
    common = ["--runs", runs]
    subprocess.run([latent, "train", "vae", "--data", os.path.join(work, "rows.npy"), "--validation", "8", "--epochs", "2",
                    "--batch", "8", "--latent", "2", "--hidden", "8", "--tensorboard", "--name", "tb"] + common, check=True)
    subprocess.run([latent, "resume", "tb", "--epochs", "3"] + common, check=True)
    run = os.path.join(runs, "tb")
    folder = os.path.join(run, "tensorboard")
    files = sorted(f for f in os.listdir(folder) if f.startswith("events.out.tfevents."))
    check(len(files) == 2, "training and resuming wrote two event files (%d)" % len(files))

    acc = event_accumulator.EventAccumulator(folder, size_guidance={"scalars": 0, "images": 0, "tensors": 0})
    acc.Reload()
    tags = acc.Tags()
    records = [json.loads(line) for line in open(os.path.join(run, "metrics.jsonl")) if line.strip()]
    records = [r for r in records if "status" not in r]
    check([r["epoch"] for r in records] == [1, 2, 3], "metrics.jsonl has epochs 1-3")
    steps_per_epoch = acc.Scalars("epoch/loss")[0].step   # the first epoch ends at its last global step
    for key in sorted(k for k in records[0] if k != "epoch" and isinstance(records[0][k], float)):
        tag = "epoch/" + key
        check(tag in tags["scalars"], tag + " is a scalar")
        events = acc.Scalars(tag)
        check([e.step for e in events] == [steps_per_epoch * r["epoch"] for r in records], tag + " at each epoch's last global step")
        check([e.value for e in events] == [float(np.float32(r[key])) for r in records], tag + " has metrics.jsonl's values")
    check("epoch/val_loss" in tags["scalars"], "validation metrics are scalars too")
    loss = acc.Scalars("step/loss")
    check([e.step for e in loss] == list(range(1, 3 * steps_per_epoch + 1)), "step/loss at every global step")

    samples = acc.Images("images/samples")
    check([e.step for e in samples] == [steps_per_epoch * e for e in (1, 2, 3)], "a sample grid per epoch")
    for epoch, e in zip([1, 2, 3], samples):
        written = open(os.path.join(run, "images", "samples-epoch-%03d.png" % epoch), "rb").read()
        check(e.encoded_image_string == written, "epoch %d's grid is the PNG the trainer wrote" % epoch)
        check(png_size(e.encoded_image_string) == (e.width, e.height), "its width and height (%dx%d)" % (e.width, e.height))
    check(len(acc.Images("images/reconstructions")) == 3, "reconstructions per epoch")
    options = acc.Tensors("options")
    check(len(options) == 2, "the options as text, once per file")
    text = options[0].tensor_proto.string_val[0].decode()
    check('"tensorboard" : true' in text and "latent" in text, "the text holds the command line and config.json")
    print("tensorboard check: the tensorboard package reads Latent's event files")


if __name__ == "__main__":
    main()
