"""The recognition model's output layer cut to the classes the decoder reads.

The multilingual recogniser scores 18,710 classes at every frame of a line: its last layer
is a 120 x 18,710 matrix followed by a softmax over all of them, and the decoder keeps 96
(the CTC blank, printable ASCII and the space). Cutting that layer's columns to those
classes before the session is built saves about a tenth of every read (``docs/ocr.md``,
Time per page) and turns the output into a softmax over the characters a report can hold:
the same best class at every frame, each probability divided by the share the kept classes
had there.

An ONNX file is a protocol buffer, and the edit touches three things only: the layer's
weight and bias (their dims and raw data) and the class dimension of the shapes declared
for the tensors after it. It is made on the wire format here: the ``onnx`` package would
cost about 0.7 s of import in every process that reads a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Field numbers of onnx.proto (ModelProto, GraphProto, TensorProto, ValueInfoProto).
_MODEL_GRAPH = 7
_MODEL_METADATA = 14
_GRAPH_INITIALIZER = 5
_GRAPH_OUTPUT = 12
_GRAPH_VALUE_INFO = 13
_TENSOR_DIMS = 1
_TENSOR_DATA_TYPE = 2
_TENSOR_RAW_DATA = 9
_FLOAT = 1
# ValueInfoProto.type -> TypeProto.tensor_type -> shape -> dim -> dim_value
_DIM_VALUE_PATH = (2, 1, 2, 1, 1)

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


@dataclass(slots=True)
class _Field:
    number: int
    wire: int
    value: int | bytes | memoryview


def _payload(f: _Field) -> bytes | memoryview:
    if isinstance(f.value, int):
        raise ValueError(f"field {f.number} is a number where a message or bytes stand")
    return f.value


def _read_varint(buf: memoryview, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(buf):
            raise ValueError("truncated protobuf message")
        byte = buf[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _parse(buf: bytes | memoryview) -> list[_Field]:
    """The fields of one message, in order; nested messages stay as bytes."""
    view = memoryview(buf)
    fields: list[_Field] = []
    at = 0
    while at < len(view):
        key, at = _read_varint(view, at)
        number, wire = key >> 3, key & 7
        value: int | memoryview
        if wire == _VARINT:
            value, at = _read_varint(view, at)
        elif wire == _BYTES:
            size, at = _read_varint(view, at)
            value = view[at : at + size]
            at += size
        elif wire in (_FIXED64, _FIXED32):
            size = 8 if wire == _FIXED64 else 4
            value = view[at : at + size]
            at += size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if at > len(view):
            raise ValueError("truncated protobuf message")
        fields.append(_Field(number, wire, value))
    return fields


def _serialize(fields: list[_Field]) -> bytes:
    out = bytearray()
    for f in fields:
        out += _varint(f.number << 3 | f.wire)
        if isinstance(f.value, int):
            out += _varint(f.value)
        else:
            if f.wire == _BYTES:
                out += _varint(len(f.value))
            out += f.value
    return bytes(out)


def metadata(model: bytes) -> dict[str, str]:
    """The model's ``metadata_props`` (the recogniser's dictionary is under ``character``)."""
    entries: dict[str, str] = {}
    for f in _parse(model):
        if f.number == _MODEL_METADATA and f.wire == _BYTES:
            parts = {g.number: bytes(_payload(g)) for g in _parse(_payload(f))}
            entries[parts.get(1, b"").decode()] = parts.get(2, b"").decode()
    return entries


def _dims(tensor: list[_Field]) -> list[int]:
    dims: list[int] = []
    for f in tensor:
        if f.number != _TENSOR_DIMS:
            continue
        if isinstance(f.value, int):
            dims.append(f.value)
        else:  # packed
            packed = memoryview(f.value)
            at = 0
            while at < len(packed):
                value, at = _read_varint(packed, at)
                dims.append(value)
    return dims


def _cut_tensor(tensor: list[_Field], dims: list[int], keep: Sequence[int]) -> list[_Field]:
    types = [f.value for f in tensor if f.number == _TENSOR_DATA_TYPE]
    raw = [f.value for f in tensor if f.number == _TENSOR_RAW_DATA]
    if types != [_FLOAT] or len(raw) != 1 or isinstance(raw[0], int):
        raise ValueError("the class layer is not a float tensor with raw data")
    values = np.frombuffer(raw[0], dtype="<f4").reshape(dims)[..., list(keep)]
    new_dims = [_Field(_TENSOR_DIMS, _VARINT, d) for d in values.shape]
    rest = [f for f in tensor if f.number not in (_TENSOR_DIMS, _TENSOR_RAW_DATA)]
    return [*new_dims, *rest, _Field(_TENSOR_RAW_DATA, _BYTES, np.ascontiguousarray(values).tobytes())]


def _rewrite_varint(buf: bytes | memoryview, path: tuple[int, ...], old: int, new: int) -> bytes | memoryview:
    """``buf`` with the varint at ``path`` (field numbers, outermost first) set to ``new``
    wherever it holds ``old``; unchanged messages are returned as they were."""
    fields = _parse(buf)
    changed = False
    for f in fields:
        if f.number != path[0]:
            continue
        if len(path) > 1 and f.wire == _BYTES:
            value = _rewrite_varint(_payload(f), path[1:], old, new)
            if value is not f.value:
                f.value, changed = value, True
        elif len(path) == 1 and f.wire == _VARINT and f.value == old:
            f.value, changed = new, True
    return _serialize(fields) if changed else buf


def cut_classes(model: bytes, keep: Sequence[int], classes: int) -> bytes:
    """``model`` with its class layer cut to the classes ``keep``, in that order.

    The class layer is the tensors whose last dimension is ``classes``: exactly one matrix and
    one bias, or ValueError (a model of another shape is not edited on a guess).
    """
    top = _parse(model)
    graphs = [f for f in top if f.number == _MODEL_GRAPH and f.wire == _BYTES]
    if len(graphs) != 1:
        raise ValueError("the model holds no single graph")
    graph = _parse(_payload(graphs[0]))
    cut: list[int] = []
    for f in graph:
        if f.wire != _BYTES:
            continue
        if f.number == _GRAPH_INITIALIZER:
            tensor = _parse(_payload(f))
            dims = _dims(tensor)
            if dims and dims[-1] == classes:
                f.value = _serialize(_cut_tensor(tensor, dims, keep))
                cut.append(len(dims))
        elif f.number in (_GRAPH_OUTPUT, _GRAPH_VALUE_INFO):
            f.value = _rewrite_varint(_payload(f), _DIM_VALUE_PATH, classes, len(keep))
    if sorted(cut) != [1, 2]:
        raise ValueError(f"no single class layer of {classes} classes in the model")
    graphs[0].value = _serialize(graph)
    return _serialize(top)
