"""The block specs, the validator and the blocks listing never import TensorFlow.

That is what makes ``GET /api/blocks``, ``/api/graphs/validate`` and the
validate/parse/export CLIs answer in milliseconds. Each check runs in a fresh
interpreter (this test process has TensorFlow loaded already).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "fixtures" / "graphs"


def _run(code: str) -> None:
    probe = (
        code + "\nimport sys\nleaked = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "assert not leaked, leaked[:5]\nprint('clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("clean"), out.stderr[-2000:] + out.stdout[-2000:]


def test_importing_the_specs_and_the_validator_imports_no_tensorflow():
    _run("import akid.graph.validate; import akid.blocks")


def test_listing_blocks_and_validating_golden_graphs_imports_no_tensorflow():
    _run(f"""
import json, pathlib
from akid.blocks import block_specs
from akid.graph.validate import validate
from backend import akidlib
assert len(block_specs()) > 30 and akidlib.block_specs()
for p in sorted(pathlib.Path({str(GOLDEN)!r}).glob('*.json')):
    assert validate(json.loads(p.read_text())).ok, p
""")


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", str(GOLDEN / "residual.json")],
        ["export", str(GOLDEN / "composite.json"), "--to", "python"],
        ["export", str(GOLDEN / "residual.json"), "--to", "metasyntax"],
    ],
)
def test_static_cli_commands_import_no_tensorflow(argv):
    _run(f"from akid.cli import main\nassert main({argv!r}) == 0")
