"""Shared layers on the canvas: a dashed "shared" link (not an edge) and the inspector's
"Shares weights with" select, which sets and clears ``shares``."""

from __future__ import annotations

import json

from editor_helpers import errors, graph, load, open_editor, wait_validated

from tests.conftest import FIXTURES

SHARED = json.loads((FIXTURES / "graphs" / "shared.json").read_text())


def _node(page, nid: str) -> dict:
    return next(n for n in graph(page)["nodes"] if n["id"] == nid)


def test_shared_link_is_drawn_and_set_in_the_inspector(page, shot):
    open_editor(page)
    load(page, SHARED)
    assert errors(page) == 0
    params = page.get_by_test_id("summary-params")
    assert params.inner_text() == "params 46"  # enc's 28 weights once, plus the head's 18

    link = page.get_by_test_id("shared-link-enc_call2")
    link.wait_for(state="attached")
    assert link.get_attribute("data-owner") == "enc"
    line = link.locator("line")
    assert line.evaluate("l => getComputedStyle(l).strokeDasharray") not in ("", "none")
    # The link runs between the two nodes' borders.
    enc, call2 = (page.get_by_test_id(f"node-{i}").bounding_box() for i in ("enc", "enc_call2"))
    lb = line.bounding_box()
    assert lb["y"] >= enc["y"] + enc["height"] - 2 and lb["y"] + lb["height"] <= call2["y"] + 2
    # It is not an edge: the document's edges are the six of the file.
    assert len(graph(page)["edges"]) == 6
    assert page.locator(".react-flow__edge").count() == 6
    shot("linked")

    page.get_by_test_id("node-enc_call2").click()
    select = page.get_by_test_id("shares-select")
    assert select.input_value() == "enc"
    assert page.get_by_label("Shares weights with").count() == 1
    # Clear it: the node gets its own layer, the link goes, the weights count twice.
    select.select_option("")
    page.get_by_test_id("shared-link-enc_call2").wait_for(state="detached")
    assert "shares" not in _node(page, "enc_call2")
    wait_validated(page)
    assert params.inner_text() == "params 74"  # two layers now
    shot("cleared")

    # Set it again, undo that one step, set it again.
    select.select_option("enc")
    page.get_by_test_id("shared-link-enc_call2").wait_for(state="attached")
    assert _node(page, "enc_call2")["shares"] == "enc"
    assert errors(page) == 0
    page.get_by_test_id("undo-button").click()
    page.get_by_test_id("shared-link-enc_call2").wait_for(state="detached")
    assert "shares" not in _node(page, "enc_call2")
    page.get_by_test_id("node-enc_call2").click()  # undo clears the selection
    select.select_option("enc")
    page.get_by_test_id("shared-link-enc_call2").wait_for(state="attached")

    # The owner's inspector says who shares it, and offers no select of its own.
    page.get_by_test_id("node-enc").click()
    assert "enc_call2" in page.get_by_test_id("shared-by").inner_text()
    assert page.get_by_test_id("shares-select").is_disabled()


def test_a_shared_layer_with_other_params_is_an_error_on_the_shares_field(page, shot):
    doc = json.loads(json.dumps(SHARED))
    next(n for n in doc["nodes"] if n["id"] == "enc_call2")["params"]["units"] = 5
    open_editor(page)
    load(page, doc)
    assert errors(page) >= 1
    page.get_by_test_id("node-enc_call2").click()
    field = page.get_by_test_id("shares-field")
    field.locator(".field-error").first.wait_for()
    assert "params differ in ['units']" in field.inner_text()
    shot("params-differ")
    # Choosing the owner again copies its params: the link is valid at once.
    select = page.get_by_test_id("shares-select")
    select.select_option("")
    select.select_option("enc")
    page.wait_for_function("() => window.__akid.graph().nodes.find(n => n.id === 'enc_call2').params.units === 4")
    assert errors(page) == 0


def test_faces_inspector_param_edits_and_deleting_the_owner(page, shot):
    open_editor(page)
    load(page, SHARED)
    assert errors(page) == 0
    # Node faces: the sharer names its owner, the owner says how many places run it.
    assert page.get_by_test_id("node-enc_call2-shares").inner_text() == "shares enc"
    assert page.get_by_test_id("node-enc-shared").inner_text() == "shared ×2"
    assert page.get_by_test_id("node-enc-shares").count() == 0
    # The face hints never make a node taller than a plain Dense (head).
    enc, head = (page.get_by_test_id(f"node-{i}").bounding_box() for i in ("enc", "head"))
    assert enc["height"] <= head["height"] + 16

    # The sharer's inspector: it uses the owner's 28 params (not "0 params").
    page.get_by_test_id("node-enc_call2").click()
    assert page.get_by_test_id("inspector-params").inner_text().startswith("uses enc's 28 params")
    shot("sharer-inspector")

    # Editing the owner's units changes the sharer too: still valid, one undo step.
    page.get_by_test_id("node-enc").click()
    page.get_by_test_id("param-units").fill("5")
    page.wait_for_function(
        "() => window.__akid.graph().nodes.filter(n => n.id.startsWith('enc')).every(n => n.params.units === 5)"
    )
    wait_validated(page)
    assert errors(page) == 0
    assert page.get_by_test_id("summary-params").inner_text() == "params 57"  # enc 6*5+5 once, head 10*2+2
    page.get_by_test_id("undo-button").click()
    page.wait_for_function(
        "() => window.__akid.graph().nodes.filter(n => n.id.startsWith('enc')).every(n => n.params.units === 4)"
    )

    # Deleting the owner unshares its sharer in the same undo step, and a toast says so.
    page.get_by_test_id("node-enc").click()
    page.get_by_test_id("inspector-delete").click()
    page.wait_for_function("() => !window.__akid.graph().nodes.some(n => n.id === 'enc')")
    assert "shares" not in _node(page, "enc_call2")
    assert "enc_call2 no longer shares enc" in page.get_by_test_id("notice").inner_text()
    assert page.get_by_test_id("node-enc_call2-shares").count() == 0
    shot("owner-deleted")
    page.get_by_test_id("undo-button").click()
    page.wait_for_function("() => window.__akid.graph().nodes.some(n => n.id === 'enc')")
    assert _node(page, "enc_call2")["shares"] == "enc"
    page.get_by_test_id("node-enc_call2-shares").wait_for()
