"""akid.graph.metasyntax_budget: meta-syntax refused before any node is built."""

from __future__ import annotations

import pytest

from akid.graph import metasyntax
from akid.graph.budget import BudgetError
from akid.graph.metasyntax_budget import check_metasyntax
from akid.settings import Limits

HEAD = "x: Input(8)\nx > {} > Output\n"


@pytest.mark.parametrize(
    "text, limit",
    [
        (HEAD.format("[[ReLU]*1000]*1000"), "max_metasyntax_nodes"),
        (HEAD.format("[ReLU]*99999999999"), "max_metasyntax_nodes"),
        (HEAD.format("(" * 5000 + "ReLU" + ")" * 5000), "max_metasyntax_nesting"),
        ("x: Input(" + "9" * 5000 + ")\n", "max_number_digits"),
        ("# " + "a" * 200_001, "max_metasyntax_chars"),
    ],
)
def test_over_a_limit_is_refused_by_parse(text, limit):
    with pytest.raises(BudgetError) as info:
        metasyntax.parse(text)
    assert info.value.issues[0].param == limit and "Received:" in info.value.issues[0].message


def test_within_limits_passes_and_counts_repeats():
    check_metasyntax(HEAD.format("[Dense(4) > ReLU]*3"), Limits())
    with pytest.raises(BudgetError):
        check_metasyntax(
            HEAD.format("[Dense(4) > ReLU]*3"), Limits(max_metasyntax_nodes=8)
        )  # x, 3 x 2, Output, and the bare reference x
    check_metasyntax(HEAD.format("[Dense(4) > ReLU]*3"), Limits(max_metasyntax_nodes=9))
    check_metasyntax("x: Input(8)\nx > Dropout(0.8626449747956709) > Output\n", Limits())  # float digits are fine
