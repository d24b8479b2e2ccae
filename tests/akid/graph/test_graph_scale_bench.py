"""bench/graph_scale.py runs and its exponent fit is right (the numbers themselves are the bench's job)."""

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import graph_scale


def test_fit_exponent_recovers_a_power_law():
    sizes = [10, 100, 1000]
    assert abs(graph_scale.fit_exponent(sizes, [3e-6 * n**1.5 for n in sizes]) - 1.5) < 1e-9


def test_generated_graphs_have_the_requested_size():
    assert len(graph_scale.chain(100)["nodes"]) == 100
    assert 95 <= len(graph_scale.branchy(100)["nodes"]) <= 100


def test_smoke_run_reports_every_series():
    res = graph_scale.run(sizes=(10, 100), smoke=True)
    assert res["name"] == "graph_scale" and res["ratio"] is not None
    for kind in ("chain", "branchy"):
        assert len(res[f"{kind}_validate_s"]) == 2 and len(res[f"{kind}_compile_s"]) == 2
