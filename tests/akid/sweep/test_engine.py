"""The Optuna-backed search without training: what trials it asks for, and when the pruner stops one."""

import pytest

from akid.graph.metasyntax import parse
from akid.sweep.engine import Sweep, objective_value
from akid.sweep.space import SweepError, space_of

GRAPH = "Input(8,8,1) > [Conv2D({8|16},3,padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)"


def test_grid_asks_each_variant_once_then_stops():
    sweep = Sweep(space_of(parse(GRAPH)), "grid", trials=10)
    seen = []
    while (trial := sweep.ask()) is not None:
        seen.append(tuple(sorted(trial.assignment.items())))
        sweep.tell(trial, 0.5, "completed")
    assert len(seen) == 4 and len(set(seen)) == 4


def test_grid_refuses_continuous_ranges():
    space = space_of(parse("x: Input(8) > Dropout(0.1..0.5) > Dense(2) > Output"))
    with pytest.raises(SweepError, match="continuous"):
        Sweep(space, "grid", trials=4)


def test_best_and_pruning_of_a_poor_trial():
    space = space_of(
        parse("x: Input(8) > Dense(2) > Output"), {"epochs": 3, "optimizer": {"learning_rate": {"$choice": [0.001, 10]}}}
    )
    sweep = Sweep(space, "random", trials=2, seed=1)
    good = sweep.ask()
    for epoch, value in enumerate([0.6, 0.8, 0.9]):
        assert not sweep.report(good, epoch, value)
    sweep.tell(good, 0.9, "completed")
    poor = sweep.ask()
    assert poor.epochs == 3
    assert sweep.report(poor, 0, 0.1)  # far below the median of completed trials at epoch 0
    sweep.tell(poor, None, "pruned")
    assert poor.state == "pruned"
    assert sweep.best() is good
    assert sweep.finished


def test_objective_from_metrics_points():
    points = [
        {"split": "val", "name": "y/accuracy", "value": 0.5, "epoch": 0},
        {"split": "val", "name": "z/accuracy", "value": 0.7, "epoch": 0},
        {"split": "train", "name": "y/accuracy", "value": 0.1, "epoch": 0},
        {"split": "val", "name": "loss", "value": 2.0, "epoch": 1},
    ]
    assert objective_value("val/accuracy", points) == {0: pytest.approx(0.6)}
    assert objective_value("val/loss", points) == {1: 2.0}


@pytest.mark.parametrize(
    "kw, message", [({"strategy": "bayes"}, "strategy"), ({"objective": "val/f1"}, "objective"), ({"trials": 0}, "trials")]
)
def test_bad_settings(kw, message):
    with pytest.raises(SweepError, match=message):
        Sweep(space_of(parse(GRAPH)), **{"strategy": "random", "trials": 2, **kw})


def test_tpe_proposes_from_the_space():
    space = space_of(parse("x: Input(8) > Dropout(0.1..0.5) > Dense({4|8}) > Output"))
    sweep = Sweep(space, "tpe", trials=8, seed=0)
    seen = []
    while (trial := sweep.ask()) is not None:
        rate, units = trial.assignment["dropout1.rate"], trial.assignment["dense1.units"]
        assert 0.1 <= rate <= 0.5 and units in (4, 8)
        seen.append(units)
        sweep.tell(trial, 1.0 - rate + units / 100, "completed")
    assert len(seen) == 8 and sweep.best().objective == max(t.objective for t in sweep.trials)
