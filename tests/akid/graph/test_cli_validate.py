"""``python -m akid validate``: JSON out, exit status, and no TensorFlow import."""

import json
import os
import subprocess
import sys

from akid.cli import main
from tests.conftest import FIXTURES, ROOT

GRAPHS = FIXTURES / "graphs"


def test_valid_file_prints_the_report_and_exits_0(capsys):
    assert main(["validate", str(GRAPHS / "sequential.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["errors"] == []
    assert set(out) >= {"ok", "errors", "shapes", "params", "flops", "nodes"}
    assert out["params"] == 690


def test_invalid_graph_exits_1_with_issues(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "akid.graph/v1", "nodes": [{"id": "d", "type": "Dense"}], "edges": []}))
    assert main(["validate", "--compact", str(bad)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {e["code"] for e in out["errors"]} == {"missing_input", "no_input", "no_output"}


def test_missing_file_is_an_issue_not_a_traceback(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.json")]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == "io_error"


def test_stdin_and_no_tensorflow_in_a_fresh_process():
    probe = (
        "import sys, runpy; sys.argv = ['akid', 'validate', '--compact', '-']\n"
        "from akid.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print('TF', 'tensorflow' in sys.modules, 'keras' in sys.modules, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    text = (GRAPHS / "composite.json").read_text()
    proc = subprocess.run(
        [sys.executable, "-c", probe], input=text, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    assert "TF False False" in proc.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "akid", "validate", "-"], input="{", capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert bad.returncode == 1 and json.loads(bad.stdout)["errors"][0]["code"] == "bad_json"


def test_1500_nested_composites_give_json_not_a_traceback(tmp_path):
    import subprocess
    import sys

    blocks, prev = {}, None
    for i in range(1500):
        inner = prev or "Dense"
        blocks[f"B{i}"] = {
            "nodes": [
                {"id": "a", "type": "Input", "params": {"shape": [4]}},
                {"id": "m", "type": inner, "params": {} if prev else {"units": 4}},
                {"id": "o", "type": "Output"},
            ],
            "edges": [{"source": "a", "target": "m"}, {"source": "m", "target": "o"}],
        }
        prev = f"B{i}"
    doc = {
        "format": "akid.graph/v1",
        "name": "g",
        "blocks": blocks,
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [4]}},
            {"id": "b", "type": prev},
            {"id": "y", "type": "Output"},
        ],
        "edges": [{"source": "x", "target": "b"}, {"source": "b", "target": "y"}],
    }
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(doc))
    out = subprocess.run(
        [sys.executable, "-m", "akid", "validate", str(path), "--compact"], capture_output=True, text=True, timeout=300
    )
    report = json.loads(out.stdout)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr
    assert report["ok"] or report["errors"][0]["code"] == "too_deep"
