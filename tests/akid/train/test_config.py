"""TrainConfig (strict, defaulted, schema) and kongfu (optimizers, schedules)."""

from __future__ import annotations

import pytest

from akid.train.config import ConfigError, TrainConfig, load_config, train_config_schema


def test_defaults_and_schema():
    cfg = TrainConfig()
    assert cfg.data.source == "digits" and cfg.strategy == "default" and cfg.optimizer.name == "adam"
    out = train_config_schema()
    assert out["defaults"]["epochs"] == cfg.epochs
    props = out["schema"]["properties"]
    for key in (
        "data",
        "epochs",
        "batch_size",
        "optimizer",
        "schedule",
        "jokers",
        "strategy",
        "workers",
        "checkpoint_every",
        "keep_checkpoints",
        "early_stopping",
        "clip_norm",
        "jit_compile",
        "mixed_precision",
        "seed",
        "observers",
    ):
        assert key in props, key
    assert TrainConfig.model_validate(out["defaults"]) == cfg


def test_unknown_keys_and_wrong_types_are_issues():
    with pytest.raises(ConfigError) as err:
        load_config({"epochs": "3", "optimizer": {"name": "adam", "lr": 0.1}, "strategy": "ring"})
    codes = {(i.param, i.code) for i in err.value.issues}
    assert ("epochs", "bad_config") in codes
    assert ("optimizer.lr", "unknown_key") in codes
    assert ("strategy", "bad_config") in codes
    assert all(i.message.startswith("config.") for i in err.value.issues)


def test_schedule_shorthand():
    assert load_config({"schedule": "cosine"}).schedule.name == "cosine"


@pytest.mark.parametrize("name", ["constant", "step", "cosine", "warmup", "warmup_cosine"])
def test_schedules(name):
    from akid.train.config import ScheduleConfig
    from akid.train.kongfu import make_schedule

    s = make_schedule(ScheduleConfig(name=name, warmup_steps=10, step_size=50, gamma=0.5, alpha=0.1), 1e-2, 100)
    lr = (lambda t: float(s)) if isinstance(s, float) else (lambda t: float(s(t)))
    if name == "constant":
        assert lr(0) == lr(99) == pytest.approx(1e-2)
    if name == "step":
        assert lr(49) == pytest.approx(1e-2) and lr(50) == pytest.approx(5e-3)
    if name == "cosine":
        assert lr(0) == pytest.approx(1e-2) and lr(100) == pytest.approx(1e-3, rel=1e-3)
    if name.startswith("warmup"):
        assert lr(0) == pytest.approx(1e-3) and lr(9) == pytest.approx(1e-2)
        assert lr(5) < lr(9)
    if name == "warmup_cosine":
        assert lr(100) == pytest.approx(1e-3, rel=1e-2)


@pytest.mark.parametrize("name", ["adam", "adamw", "sgd", "rmsprop"])
def test_optimizers(name):
    import keras

    from akid.train.config import OptimizerConfig, ScheduleConfig
    from akid.train.kongfu import make_optimizer

    opt = make_optimizer(OptimizerConfig(name=name, learning_rate=0.1, momentum=0.5), ScheduleConfig(), 10)
    assert isinstance(opt, keras.optimizers.Optimizer)
    v = keras.Variable([1.0, -1.0])
    opt.apply([keras.ops.convert_to_tensor([1.0, -1.0])], [v])
    assert float(v.numpy()[0]) < 1.0 and float(v.numpy()[1]) > -1.0
    if name == "sgd":
        assert opt.momentum == 0.5
