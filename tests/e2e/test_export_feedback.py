"""Exporting a feedback graph to Keras JSON says why it cannot, in the dialog (issue 11: "the
Keras-JSON export of a feedback graph shows an empty dialog and a toast naming a Python function")."""

from __future__ import annotations

import json
import pathlib
import re

from editor_helpers import load, open_editor

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "graphs"


def test_keras_json_of_a_feedback_graph_explains_itself(page):
    open_editor(page)
    load(page, json.loads((FIXTURES / "feedback.json").read_text()))
    page.get_by_test_id("export-menu").click()
    page.get_by_test_id("export-code").click()
    page.get_by_test_id("code-target").select_option("keras-json")
    err = page.get_by_test_id("code-error")
    err.wait_for()
    text = err.inner_text()
    assert "Keras JSON cannot be exported" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\(?\)?:", text), text  # no Python function names
    assert page.get_by_test_id("notice").count() == 0
