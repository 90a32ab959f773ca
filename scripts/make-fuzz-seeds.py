#!/usr/bin/env python3
"""Writes the small valid inputs the fuzz harness starts from, one folder per
reader, into Tests/LatentTests/Fixtures/fuzz/seeds/ (needs numpy, pillow and
safetensors). The files are committed; run this only to change them."""
import gzip
import io
import os
import struct
import sys

import numpy as np
from PIL import Image
from safetensors.numpy import save as save_safetensors

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LatentTests", "Fixtures", "fuzz", "seeds")


def write(reader, name, data):
    folder = os.path.join(ROOT, reader)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def idx(type_code, fmt, array):
    dims = b"".join(struct.pack(">I", d) for d in array.shape)
    return bytes([0, 0, type_code, array.ndim]) + dims + array.astype(fmt).tobytes()


def npy(array, version=None):
    out = io.BytesIO()
    np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


def png(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


rng = np.random.default_rng(7)
images = rng.integers(0, 256, size=(2, 3, 3)).astype(np.uint8)
labels = np.array([3, 1, 4, 1, 5, 9], dtype=np.uint8)

write("idx", "images-idx3", idx(0x08, ">u1", images))
write("idx", "labels-idx1", idx(0x08, ">u1", labels))
write("idx", "images-idx3.gz", gz(idx(0x08, ">u1", images)))
write("idx", "labels-idx1.gz", gz(idx(0x08, ">u1", labels)))
write("idx", "int8-idx1", idx(0x09, ">i1", np.array([-3, 0, 7])))
write("idx", "int16-idx2", idx(0x0B, ">i2", np.array([[-300, 2], [5, 40]])))
write("idx", "int32-idx1", idx(0x0C, ">i4", np.array([70000, -1])))
write("idx", "float32-idx2", idx(0x0D, ">f4", np.array([[0.5, -1.25], [3.0, 0.0]])))
write("idx", "float32-idx2.gz", gz(idx(0x0D, ">f4", np.array([[0.5, -1.25], [3.0, 0.0]]))))
write("idx", "float64-idx1", idx(0x0E, ">f8", np.array([1.5, -2.0])))

write("npy", "float32-2x3.npy", npy(rng.standard_normal((2, 3)).astype("<f4")))
write("npy", "uint8-2x3x3.npy", npy(images))
write("npy", "int16-big-endian.npy", npy(np.array([1, -2, 300, 4], dtype=">i2")))
write("npy", "bool.npy", npy(np.array([True, False, True])))
write("npy", "float16.npy", npy(np.array([0.5, 2.0], dtype="<f2")))
write("npy", "float64-version2.npy", npy(np.array([[1.0, 2.0]], dtype="<f8"), version=(2, 0)))
write("npy", "uint64.npy", npy(np.array([7, 8], dtype="<u8")))
write("npy", "float32.npy.gz", gz(npy(np.array([0.25, 0.75], dtype="<f4"))))

write("png", "gray8-3x3.png", png(Image.fromarray(images[0])))
write("png", "rgb-2x2.png", png(Image.fromarray(rng.integers(0, 256, size=(2, 2, 3)).astype(np.uint8), "RGB")))
write("png", "rgba-2x2.png", png(Image.fromarray(rng.integers(0, 256, size=(2, 2, 4)).astype(np.uint8), "RGBA")))
write("png", "gray-alpha-2x2.png", png(Image.fromarray(rng.integers(0, 256, size=(2, 2, 2)).astype(np.uint8), "LA")))
write("png", "palette-4x4.png", png(Image.fromarray(rng.integers(0, 256, size=(4, 4, 3)).astype(np.uint8), "RGB").quantize(4)))
write("png", "gray16-2x2.png", png(Image.fromarray(np.array([[0, 1000], [40000, 65535]], dtype=np.uint16))))
write("png", "bilevel-8x2.png", png(Image.fromarray(rng.integers(0, 2, size=(2, 8)).astype(bool))))

rows = ["label," + ",".join(f"pixel{i}" for i in range(4))]
rows += [f"{l}," + ",".join(str(v) for v in rng.integers(0, 256, size=4)) for l in (0, 7, 2)]
write("csv", "labelled-2x2.csv", ("\n".join(rows) + "\n").encode())
write("csv", "unit-range-2x2.csv", b"1,0.0,0.5,1.0,0.25\r\n0,0.75,0.125,0,1\r\n")
write("csv", "labelled-2x2.csv.gz", gz(("\n".join(rows) + "\n").encode()))

write("safetensors", "float32-and-uint8.safetensors",
      save_safetensors({"weight": rng.standard_normal((2, 3)).astype(np.float32), "mask": np.array([1, 0, 1, 1], dtype=np.uint8)}))
write("safetensors", "metadata.safetensors",
      save_safetensors({"bias": np.array([0.5, -0.5], dtype=np.float32)}, metadata={"epoch": "3", "family": "vae"}))
write("safetensors", "float64-int16.safetensors",
      save_safetensors({"a": np.array([[1.0, 2.0]], dtype=np.float64), "b": np.array([-7, 9], dtype=np.int16)}))
print("seeds written to", os.path.normpath(ROOT), file=sys.stderr)
