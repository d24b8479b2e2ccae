"""Start a run from existing weights (fine-tuning): imported Keras weights or another run's checkpoint.

The server decides *what* to start from and writes it into the new run's logdir
as ``init_weights.json`` (no TensorFlow in the web process); the trainer reads
it after building the model and before the first step (:func:`load_init_weights`).
Loading is partial and by node id: nodes the source has with the same weight
shapes get its weights, every other node keeps its fresh initialisation, and the
run log lists the loaded, missing and skipped node ids so nothing happens silently.
A resumed run then restores its own checkpoint over these, as it should.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

INIT_FILE = "init_weights.json"
#: A copy of imported weights inside the run's logdir (so remote workers, which share only the runs folder, see it too).
WEIGHTS_COPY = "init.weights.h5"
_CKPT = re.compile(r"ckpt-(\d+)\.index$")


def latest_checkpoint(logdir: str | Path) -> int | None:
    """Step of a run's newest checkpoint, without TensorFlow (None when it has none)."""
    d = Path(logdir) / "checkpoints"
    if not d.is_dir():
        return None
    steps = [int(m.group(1)) for p in d.iterdir() if (m := _CKPT.search(p.name))]
    return max(steps) if steps else None


def write_init_spec(logdir: str | Path, spec: dict[str, Any]) -> Path:
    """``{"weights": file, "label": ...}`` or ``{"run_logdir": dir, "graph": doc, "label": ...}``."""
    path = Path(logdir) / INIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def source_weights(spec: dict[str, Any], logdir: Path) -> dict[str, list[Any]]:
    """Node id -> arrays of the init source (a weights file, or a run's newest checkpoint)."""
    from akid.graph.weights import model_weights, read_weights

    if spec.get("weights"):
        return read_weights(logdir / spec["weights"])
    from akid.graph.compile import build_model
    from akid.train.checkpoints import restore_model

    source = build_model(spec["graph"], max_params=None)
    restore_model(source, spec["run_logdir"])
    return model_weights(source)


def load_init_weights(model: Any, logdir: str | Path, log: Callable[..., None]) -> dict[str, list[str]] | None:
    """Load the run's init weights into ``model`` if it has any; returns loaded/missing/skipped node ids."""
    logdir = Path(logdir)
    path = logdir / INIT_FILE
    if not path.is_file():
        return None
    from akid.graph.sharing import sharers
    from akid.graph.weights import set_weights

    spec = json.loads(path.read_text(encoding="utf-8"))
    weights = source_weights(spec, logdir)
    layers = model.program.layers
    shared = sharers(model.program.graph)  # a shared layer's weights load once, under its owner
    loaded: dict[str, list[Any]] = {}
    skipped = []
    for nid, arrays in weights.items():
        layer = None if nid in shared else layers.get(nid)
        if layer is not None and [tuple(w.shape) for w in layer.weights] == [tuple(a.shape) for a in arrays]:
            loaded[nid] = arrays
        else:
            skipped.append(nid)
    set_weights(model, loaded, partial=True)
    missing = sorted(nid for nid, layer in layers.items() if layer.weights and nid not in loaded and nid not in shared)
    frozen = sorted(nid for nid, layer in layers.items() if getattr(getattr(layer, "p", None), "trainable", True) is False)
    report = {"loaded": sorted(loaded), "missing": missing, "skipped": sorted(skipped), "frozen": frozen}
    log(
        f"init weights from {spec.get('label', 'a weights file')}: loaded {len(loaded)} nodes {report['loaded']}; "
        f"missing (fresh initialisation) {missing}; skipped (not in this graph or other shapes) {report['skipped']}; "
        f"frozen (trainable=false) {frozen}"
    )
    return report
