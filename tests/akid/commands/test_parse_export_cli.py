"""``python -m akid parse`` / ``export``: once through a real subprocess, the rest in-process."""

import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

import akid.graph.metasyntax  # noqa: F401  (real Keras loaded: in-process runs skip the stand-in)
from akid.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[3]
GRAPHS = ROOT / "tests" / "fixtures" / "graphs"
PROGRAM = "x: Input(8,8,1, feature=image)\nx > Conv2D(4, 3, padding=same) > Flatten > Dense(10) > y: Output(label)\n"


def run_cli(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    rc = main(argv)
    out = capsys.readouterr().out
    return rc, out


def test_parse_subprocess_reads_stdin_and_prints_graph_json():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "akid", "parse", "-"],
        input=PROGRAM,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["format"] == "akid.graph/v1"
    assert [n["id"] for n in doc["nodes"]] == ["x", "conv2d1", "flatten1", "dense1", "y"]


def test_parse_file(tmp_path, capsys):
    f = tmp_path / "net.akid"
    f.write_text(PROGRAM)
    rc, out = run_cli(["parse", str(f), "--compact"], capsys)
    assert rc == 0 and len(out.strip().splitlines()) == 1
    assert json.loads(out)["nodes"][1]["params"] == {"filters": 4, "kernel_size": 3, "padding": "same"}


def test_parse_errors_are_json_with_positions(capsys, monkeypatch):
    rc, out = run_cli(["parse", "-"], capsys, stdin="x: Input(4)\nx > Dense(3 > Output", monkeypatch=monkeypatch)
    assert rc == 1
    errors = json.loads(out)["errors"]
    assert errors[0]["code"] == "syntax_error" and errors[0]["path"] == "line:2:10"


def test_unreadable_file_is_an_issue(capsys, tmp_path):
    rc, out = run_cli(["parse", str(tmp_path / "missing.akid")], capsys)
    assert rc == 1 and json.loads(out)["errors"][0]["code"] == "io_error"


@pytest.mark.parametrize(
    "to, expect",
    [
        ("metasyntax", "(stem, c2) > add: Add"),
        ("python", "build_model(GRAPH)"),
        ("keras", "keras.layers.Add(name='add')"),
        ("json", '"format": "akid.graph/v1"'),
    ],
)
def test_export_graph_json(to, expect, capsys):
    rc, out = run_cli(["export", str(GRAPHS / "residual.json"), "--to", to], capsys)
    assert rc == 0 and expect in out


def test_export_keras_json_and_import_it_back(tmp_path, capsys):
    rc, out = run_cli(["export", str(GRAPHS / "sequential.json"), "--to", "keras-json"], capsys)
    assert rc == 0 and json.loads(out)["class_name"] == "Functional"
    k = tmp_path / "model.json"
    k.write_text(out)
    rc, out = run_cli(["export", str(k), "--to", "metasyntax"], capsys)
    assert rc == 0
    assert out.startswith("@name digits_cnn\nx: Input(8, 8, 1) > conv: Conv2D(4, 3, padding=same)")  # defaults left out


def test_export_accepts_meta_syntax(capsys, monkeypatch):
    rc, out = run_cli(["export", "-", "--to", "json"], capsys, stdin=PROGRAM, monkeypatch=monkeypatch)
    assert rc == 0 and json.loads(out)["nodes"][0]["id"] == "x"


def test_export_of_an_invalid_graph_fails_with_issues(capsys, monkeypatch):
    rc, out = run_cli(["export", "-", "--to", "keras"], capsys, stdin="Input(4) > Conv2D(3) > Output", monkeypatch=monkeypatch)
    assert rc == 1
    assert any(e["node_id"] == "conv2d1" for e in json.loads(out)["errors"])


def test_export_needs_a_known_target(capsys):
    with pytest.raises(SystemExit) as info:
        main(["export", str(GRAPHS / "residual.json"), "--to", "tflite"])
    assert info.value.code == 2
