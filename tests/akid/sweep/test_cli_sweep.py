"""``python -m akid sweep``: the issue's two end-to-end runs on digits (in process, TensorFlow on CPU)."""

import json
from pathlib import Path

from akid.cli import main

GRAPH = "Input(8,8,1) > [Conv2D({8|16},3,padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)\n"


def _last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_grid_sweep_of_four_variants(tmp_path, capsys):
    path = tmp_path / "g.akid"
    path.write_text(GRAPH)
    code = main(
        [
            "sweep",
            str(path),
            "--data",
            "digits",
            "--trials",
            "4",
            "--strategy",
            "grid",
            "--epochs",
            "1",
            "--steps-per-epoch",
            "5",
            "--logdir",
            str(tmp_path / "out"),
            "--quiet",
        ]
    )
    out = _last_json(capsys)
    assert code == 0 and out["ok"]
    assert len(out["trials"]) == 4
    assert {tuple(sorted(t["choices"].items())) for t in out["trials"]} == {
        (("conv2d1.filters", f), ("repeat1*", r)) for f in (8, 16) for r in (1, 2)
    }
    assert all(t["state"] == "completed" and t["objective"] is not None for t in out["trials"])
    for t in out["trials"]:  # each trial's stored graph is the concrete variant it trained
        graph = json.loads((tmp_path / "out" / f"trial-{t['number']}" / "graph.json").read_text())
        convs = [n for n in graph["nodes"] if n["type"] == "Conv2D"]
        assert len(convs) == t["choices"]["repeat1*"]
        assert {n["params"]["filters"] for n in convs} == {t["choices"]["conv2d1.filters"]}
    best = json.loads(Path(out["best_graph"]).read_text())
    assert "$repeats" not in best
    assert max(t["objective"] for t in out["trials"]) == out["best"]["objective"]


def test_random_sweep_prunes_a_poor_trial(tmp_path, capsys):
    path = tmp_path / "m.akid"
    path.write_text("Input(8,8,1) > Flatten > Dense(32, relu) > Dense(10) > Output(label)\n")
    code = main(
        [
            "sweep",
            str(path),
            "--data",
            "digits",
            "--trials",
            "5",
            "--strategy",
            "random",
            "--epochs",
            "3",
            "--lr",
            "{0.001|10}",
            "--seed",
            "0",
            "--logdir",
            str(tmp_path / "out"),
            "--quiet",
        ]
    )
    out = _last_json(capsys)
    assert code == 0 and out["ok"]
    pruned = [t for t in out["trials"] if t["state"] == "pruned"]
    assert pruned, out["trials"]
    assert all(len(t["intermediate"]) < 3 for t in pruned)  # stopped before its last epoch
    assert out["best"]["choices"]["config.optimizer.learning_rate"] == 0.001


def test_invalid_variant_is_reported_before_any_trial(tmp_path, capsys):
    path = tmp_path / "bad.akid"
    path.write_text("Input(8,8,1) > Reshape({[64]|[65]}) > Dense(10) > Output(label)\n")
    code = main(["sweep", str(path), "--trials", "2", "--logdir", str(tmp_path / "out"), "--quiet"])
    out = _last_json(capsys)
    assert code == 1 and not out["ok"]
    assert "reshape1.target_shape=[65]" in out["errors"][0]["message"]
    assert not (tmp_path / "out").exists()


def test_config_choices_from_options(tmp_path):
    import argparse

    from akid.commands.sweep import build_config

    args = argparse.Namespace(
        config=None,
        data="digits",
        epochs=2,
        steps_per_epoch=None,
        batch_size="{16|32}",
        lr="0.0001..0.1 log",
        set=["optimizer.name={adam|sgd}"],
    )
    cfg = build_config(args)
    assert cfg == {
        "data": {"source": "digits"},
        "epochs": 2,
        "batch_size": {"$choice": [16, 32]},
        "optimizer": {"learning_rate": {"$range": [0.0001, 0.1], "log": True}, "name": {"$choice": ["adam", "sgd"]}},
    }


def test_a_trial_without_the_objective_fails_with_a_reason():
    from akid.graph.metasyntax import parse
    from akid.sweep.engine import Sweep
    from akid.sweep.space import space_of

    sweep = Sweep(space_of(parse("x: Input(8) > Dense({1|2}) > Output")), "grid", trials=2)
    trial = sweep.ask()
    sweep.tell(trial, None, "completed")
    assert trial.state == "failed" and "no val/accuracy" in trial.to_dict()["error"]
