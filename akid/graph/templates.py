"""Starter graphs for the editor's "New from template" menu.

Each template is written in meta-syntax — shorter and easier to review than
JSON — and parsed once at import, which also lays the nodes out left to right.
Every template binds its Inputs to the ``image`` feature and its Outputs to the
``label`` target, so all of them train on the ``digits`` data set (8x8x1 images,
10 classes) as they are; an Input of shape ``[64]`` gets the images flattened by
the data layer because the sizes agree.
"""

from __future__ import annotations

import copy
from typing import Any

from akid.graph.metasyntax import parse

_SOURCES: dict[str, tuple[str, str, str]] = {
    "mlp": (
        "Multi-layer perceptron",
        "Flattened 8x8 digits through one hidden layer with dropout.",
        """
x: Input(64, feature=image) > Dense(64) > ReLU > Dropout(0.2) > Dense(10) > y: Output(label)
""",
    ),
    "lenet": (
        "LeNet",
        "Two convolution + pooling stages, then a small classifier: the classic CNN.",
        """
x: Input(8, 8, 1, feature=image) > Conv2D(6, 3, padding=same) > ReLU > MaxPool2D(2)
  > Conv2D(16, 3, padding=same) > ReLU > MaxPool2D(2) > Flatten > Dense(64) > ReLU > Dense(10) > y: Output(label)
""",
    ),
    "resnet": (
        "Residual network",
        "A convolution stem and one residual block: the block's output is added to its input.",
        """
x: Input(8, 8, 1, feature=image) > Conv2D(16, 3, padding=same) > stem: ReLU
stem > Conv2D(16, 3, padding=same) > BatchNorm > ReLU > Conv2D(16, 3, padding=same) > res: BatchNorm
(stem, res) > Add > ReLU > MaxPool2D(2) > Flatten > Dense(10) > y: Output(label)
""",
    ),
    "two_in_two_out": (
        "Two inputs, two outputs",
        "The image seen twice (as 8x8x1 and as 64 values) by two branches, "
        "merged for the main head; an auxiliary head reads the dense branch alone.",
        """
img: Input(8, 8, 1, feature=image) > Conv2D(8, 3, padding=same) > ReLU > MaxPool2D(2) > Flatten > Dense(32) > conv_branch: ReLU
vec: Input(64, feature=image) > Dense(32) > dense_branch: ReLU
(conv_branch, dense_branch) > Concat > Dense(10) > y: Output(label)
dense_branch > Dense(10) > aux: Output(label, weight=0.5)
""",
    ),
    "recurrent": (
        "Recurrent refinement",
        "A hidden state fed back through a feedback edge: each of the 3 time steps "
        "mixes the input with the previous step's state.",
        """
@time_steps 3
x: Input(64, feature=image) > Dense(32) > mix: Add > h: Dense(32, tanh) > Dense(10) > y: Output(label)
h ~> mix
""",
    ),
}


def _build() -> dict[str, dict[str, Any]]:
    out = {}
    for tid, (_title, description, text) in _SOURCES.items():
        doc = parse(f"@name {tid}\n@description {_quote(description)}\n{text}")
        out[tid] = doc
    return out


def _quote(s: str) -> str:
    import json

    return json.dumps(s)


#: Template id -> graph document (``akid.graph/v1``). Treat as read-only; use :func:`template_list` for copies.
TEMPLATES: dict[str, dict[str, Any]] = _build()


def template_list() -> list[dict[str, Any]]:
    """``[{"id", "name", "description", "graph"}]`` for the API; graphs are copies the caller may edit."""
    return [
        {"id": tid, "name": _SOURCES[tid][0], "description": _SOURCES[tid][1], "graph": copy.deepcopy(doc)}
        for tid, doc in TEMPLATES.items()
    ]
