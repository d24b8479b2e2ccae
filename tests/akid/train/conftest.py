"""Shared runs: one trained digits CNN (with every observer on) serves many tests."""

from __future__ import annotations

import pytest
from train_helpers import Recorder, digits_cnn


@pytest.fixture(scope="session")
def cnn_run(tmp_path_factory):
    """The default digits CNN, 2 epochs, histograms every 10 steps and pictures every 20."""
    from akid.train import api

    logdir = tmp_path_factory.mktemp("cnn_run")
    rec = Recorder()
    cfg = {"epochs": 2, "observers": {"histograms_every": 10, "images_every": 20}}
    result = api.train(digits_cnn(), cfg, logdir=logdir, sink=rec)
    return {"logdir": logdir, "rec": rec, "result": result, "config": cfg}
