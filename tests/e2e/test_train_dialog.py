"""The Train dialog (issue 11): Start is disabled with the reason when the graph has errors; an
output whose size is not the number of classes is warned about; previews show a named mix of
classes; the dialog remembers the data set and settings of each graph."""

from __future__ import annotations

import copy

from editor_helpers import load, open_editor
from playwright.sync_api import expect
from test_runs import CNN


def _open_dialog(page):
    page.get_by_test_id("train-button").click()
    expect(page.get_by_test_id("train-dialog")).to_be_visible()


def test_start_is_disabled_with_the_reason_when_the_graph_has_errors(page, shot):
    open_editor(page)
    bad = copy.deepcopy(CNN)
    bad["name"] = "e2e-bad"
    next(n for n in bad["nodes"] if n["id"] == "c1")["params"].update(kernel_size=9, padding="valid")
    load(page, bad)
    _open_dialog(page)
    page.get_by_test_id("dataset-select").select_option("digits")
    expect(page.get_by_test_id("graph-problems")).to_contain_text("kernel")
    expect(page.get_by_test_id("start-run")).to_be_disabled()
    shot("graph-problems")


def test_output_size_warning_named_class_mix_and_memory(page, shot):
    open_editor(page)
    doc = copy.deepcopy(CNN)
    doc["name"] = "e2e-three-units"
    next(n for n in doc["nodes"] if n["id"] == "d")["params"]["units"] = 3
    load(page, doc)
    _open_dialog(page)
    page.get_by_test_id("dataset-select").select_option("digits")
    expect(page.get_by_test_id("binding-warning")).to_contain_text("10 classes")
    expect(page.get_by_test_id("start-run")).to_be_enabled()  # a warning, not an error
    captions = page.locator("[data-testid=dataset-samples] figcaption")
    expect(captions.first).to_be_visible()
    assert len(set(captions.all_inner_texts())) >= 5  # a mix of classes, not all of class 0
    page.get_by_test_id("field-epochs").fill("7")
    shot("warning")
    page.get_by_role("button", name="Close", exact=True).first.click()
    expect(page.get_by_test_id("train-dialog")).to_have_count(0)

    _open_dialog(page)  # remembered for this graph
    expect(page.get_by_test_id("dataset-select")).to_have_value("digits")
    expect(page.get_by_test_id("field-epochs")).to_have_value("7")
