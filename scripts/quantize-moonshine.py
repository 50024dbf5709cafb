#!/usr/bin/env python3
"""Dynamic int8 quantisation of the Moonshine ONNX files that models/stt/moonshine/ort-to-onnx.ts converts from the
registry's ORT-format files, with onnxruntime's own tooling (PyPI onnxruntime, the version package.json pins).

Two steps, both deterministic:
  1. constant-fold the graph (ORT_ENABLE_BASIC, portable): the shipped int8 weights and their Cast/Mul/Add
     dequantisation become float32 initializers;
  2. onnxruntime.quantization.quantize_dynamic: MatMul weights back to int8, activations quantised per run
     (MatMulInteger), so decoding reads a quarter of the bytes a float32 GEMV does.

  python scripts/quantize-moonshine.py IN_DIR OUT_DIR [--per-channel] [--weight-type qint8|quint8]

IN_DIR holds encoder_model.onnx and decoder_model_merged.onnx; OUT_DIR gets the quantised files and prints their
sha256 (record them where the recognizer pins them).
"""
import argparse
import hashlib
import os
import sys
import tempfile

import onnxruntime as ort
from onnxruntime.quantization import QuantType, quantize_dynamic


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fold(src: str, dst: str) -> None:
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = dst
    ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--per-channel", action="store_true")
    ap.add_argument("--weight-type", choices=["qint8", "quint8"], default="qint8")
    ap.add_argument("--models", default="encoder_model,decoder_model_merged")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    weight_type = QuantType.QInt8 if args.weight_type == "qint8" else QuantType.QUInt8
    for name in args.models.split(","):
        src = os.path.join(args.in_dir, f"{name}.onnx")
        dst = os.path.join(args.out_dir, f"{name}.onnx")
        with tempfile.TemporaryDirectory() as tmp:
            folded = os.path.join(tmp, "folded.onnx")
            fold(src, folded)
            quantize_dynamic(folded, dst, weight_type=weight_type, per_channel=args.per_channel, op_types_to_quantize=["MatMul"])
        print(f"{sha256(dst)}  {name}.onnx  ({os.path.getsize(dst)} bytes, onnxruntime {ort.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
