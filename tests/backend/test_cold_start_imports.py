"""What the studio imports before it answers its first ``GET /api/blocks``.

Cold start (bench/cold_start.py) is mostly imports. These stay out of that path:
TensorFlow/Keras (block specs are declarative), NumPy (~80 ms; only the routes that
handle arrays, and deep-JSON checks of huge bodies, import it), Alembic with Mako and Pygments
(a new or current database needs no migration run), PyYAML (only Kubernetes job
rendering uses it), and the spare training worker, which starts a moment later.
Checked in a fresh interpreter, as ``akid serve`` starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("tensorflow", "keras", "numpy", "alembic", "mako", "pygments", "yaml")


def test_creating_the_app_and_listing_blocks_imports_none_of_the_lazy_modules(tmp_path):
    code = f"""
import json, sys
import akid.cli, akid.commands.serve
from akid.settings import get_settings
from backend.app import create_app, shutdown
app = create_app(settings=get_settings().replace(data_dir={str(tmp_path)!r}))
response = app.test_client().get("/api/blocks")
assert response.status_code == 200 and len(response.get_json()["blocks"]) > 30
graph = {{"format": "akid.graph/v1", "nodes": [{{"id": "x", "type": "Input", "params": {{"shape": [4]}}}}], "edges": []}}
checked = app.test_client().post("/api/graphs/validate", json=graph)  # a body through check_json
assert checked.status_code == 200, checked.get_data(as_text=True)
spare = app.extensions["akid"].manager._warm
print(json.dumps({{"loaded": sorted({{m.split(".")[0] for m in sys.modules}} & set({LAZY!r})), "spare": spare is not None}}))
shutdown(app)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report == {"loaded": [], "spare": False}
