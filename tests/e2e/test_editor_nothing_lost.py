"""Nothing is lost: replacing a modified graph is undoable, and a crashed tab keeps the draft.

Reproduces issue 11 "Work is silently lost": open a saved graph, change it, choose New ▸ MLP:
no confirmation, undo greyed out, the edit gone.
"""

from __future__ import annotations

import json
import pathlib

from editor_helpers import graph, load, open_editor, ready

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "graphs"


def _sequential(name: str) -> dict:
    doc = json.loads((FIXTURES / "sequential.json").read_text())
    doc["name"] = name
    return doc


def test_new_template_on_a_modified_graph_is_undoable(page, server, shot):
    templates = server.api("GET", "/api/templates").get("templates") or []
    assert templates, "the server ships templates"
    open_editor(page)
    doc = _sequential("e2e-keep-me")
    load(page, doc)
    page.get_by_test_id("save-button").click()
    page.wait_for_function("() => window.__akid.store.getState().savedVersion === 1")
    gid = page.evaluate("() => window.__akid.store.getState().savedId")
    dense = next(n["id"] for n in doc["nodes"] if n["type"] == "Dense")
    page.get_by_test_id(f"node-{dense}").click()
    page.get_by_test_id("param-units").fill("33")
    page.get_by_test_id("summary-saved").filter(has_text="modified").wait_for()

    t = templates[0]
    page.get_by_test_id("template-menu").click()
    page.get_by_test_id(f"template-{t['id']}").click()
    page.wait_for_function("n => window.__akid.graph().nodes.length === n", arg=len(t["graph"]["nodes"]))
    assert "Undo" in page.get_by_test_id("notice").inner_text()
    assert page.get_by_test_id("undo-button").is_enabled()
    shot("after-template")

    page.get_by_test_id("undo-button").click()
    page.wait_for_function("() => window.__akid.graph().name === 'e2e-keep-me'")
    units = next(n for n in graph(page)["nodes"] if n["id"] == dense)["params"]["units"]
    assert units == 33
    assert page.evaluate("() => window.__akid.store.getState().savedId") == gid
    assert f"graph={gid}" in page.url
    assert "modified" in page.get_by_test_id("summary-saved").inner_text()


def test_unsaved_graph_survives_a_crash_of_the_tab(browser, server):
    """The draft is written on change, not on unload: a second tab opened while the first is
    still alive (it never unloaded, as after a crash) restores the unsaved graph."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=server.url)
    try:
        pg = ctx.new_page()
        open_editor(pg)
        doc = _sequential("e2e-crash")
        load(pg, doc)
        dense = next(n["id"] for n in doc["nodes"] if n["type"] == "Dense")
        pg.get_by_test_id(f"node-{dense}").click()
        pg.get_by_test_id("param-units").fill("44")
        pg.wait_for_timeout(400)  # the draft is written shortly after every change
        pg2 = ctx.new_page()
        open_editor(pg2)
        ready(pg2)
        g = graph(pg2)
        assert g["name"] == "e2e-crash"
        assert next(n for n in g["nodes"] if n["id"] == dense)["params"]["units"] == 44
        assert "modified" in pg2.get_by_test_id("summary-saved").inner_text()
    finally:
        ctx.close()
