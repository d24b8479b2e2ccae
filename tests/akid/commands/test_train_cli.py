"""``python -m akid train``: the default digits CNN reaches 95% from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "akid" / "train"))

from train_helpers import digits_cnn  # noqa: E402


def test_cli_trains_default_digits_cnn_to_95_percent(tmp_path):
    graph = tmp_path / "cnn.json"
    graph.write_text(json.dumps(digits_cnn()))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    cmd = [
        sys.executable,
        "-m",
        "akid",
        "train",
        str(graph),
        "--data",
        "digits",
        "--logdir",
        str(tmp_path / "run"),
    ]
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        cmd = ["taskset", "-c", "0,1", *cmd]  # the claim is about 2 CPU cores
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    result = json.loads(lines[0])
    assert result["ok"] and result["state"] == "completed" and result["epochs"] == 5  # the default
    assert result["val_accuracy"]["label"] >= 0.95, result
    assert (tmp_path / "run" / "checkpoints").is_dir() and any((tmp_path / "run" / "tb" / "train").iterdir())


def test_cli_reports_user_errors_as_one_json_line(tmp_path, capsys):
    from akid.cli import main

    bad = digits_cnn()
    bad["nodes"][1]["params"]["filters"] = 0
    graph = tmp_path / "bad.json"
    graph.write_text(json.dumps(bad))
    assert main(["train", str(graph), "--epochs", "1", "--logdir", str(tmp_path / "run"), "--quiet"]) == 1
    out = json.loads(capsys.readouterr().out.strip())
    assert out["ok"] is False and out["errors"][0]["node_id"] == "conv1"
    assert main(["train", str(graph), "--epochs", "0", "--quiet"]) == 1
    out = json.loads(capsys.readouterr().out.strip())
    assert out["errors"][0]["param"] == "epochs"
    assert main(["train", str(tmp_path / "missing.json"), "--quiet"]) == 1
    assert json.loads(capsys.readouterr().out.strip())["errors"][0]["code"] == "io_error"


def test_cli_config_overrides():
    import argparse

    from akid.commands import train as cmd

    parser = argparse.ArgumentParser()
    cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(
        [
            "train",
            "g.json",
            "--lr",
            "0.01",
            "--optimizer",
            "sgd",
            "--strategy",
            "multi_worker",
            "--workers",
            "3",
            "--data",
            "npz",
            "--data-param",
            "path=/x.npz",
            "--data-param",
            "val_fraction=0.2",
            "--schedule",
            "cosine",
        ]
    )
    cfg = cmd.build_config(args)
    assert (
        cfg["optimizer"] == {"learning_rate": 0.01, "name": "sgd"} and cfg["strategy"] == "multi_worker" and cfg["workers"] == 3
    )
    assert cfg["data"] == {"source": "npz", "params": {"path": "/x.npz", "val_fraction": 0.2}}
    assert cfg["schedule"] == {"name": "cosine"}
    from akid.train.config import load_config

    load_config(cfg)
