"""A Keras sequence model (unknown length, mask_zero, Bidirectional) opens on the canvas as akid blocks.

The Input shows its unknown length as ``null`` in the inspector and ``?`` on the edges; the
Bidirectional LSTM is one block whose inspector shows ``bidirectional`` and ``merge_mode``.
"""

from __future__ import annotations

import pytest
from editor_helpers import import_keras_file, wait_validated
from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def seq_file(tmp_path_factory):
    import keras

    L = keras.layers
    inp = keras.Input((None,), dtype="int32", name="tokens")
    h = L.Embedding(50, 4, mask_zero=True, name="emb")(inp)
    h = L.Bidirectional(L.LSTM(3), merge_mode="sum", name="bi")(h)
    out = L.Dense(2, name="head")(h)
    path = tmp_path_factory.mktemp("keras") / "seq.keras"
    keras.Model(inp, out, name="seq").save(path)
    return path


def test_sequence_model_imports_as_blocks(page: Page, server, shot, seq_file):
    import_keras_file(page, seq_file)
    expect(page.locator(".react-flow__node")).to_have_count(5)  # tokens, emb, bi, head, output
    wait_validated(page)

    # Edge labels between close blocks float above the wire instead of hiding under the blocks.
    def overlaps(a, b):
        return (
            a["x"] < b["x"] + b["width"]
            and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"]
            and b["y"] < a["y"] + a["height"]
        )

    nodes = [page.get_by_test_id(f"node-{i}").bounding_box() for i in ("tokens", "emb", "bi", "head")]
    for k in range(4):  # tokens > emb > bi > head > output
        label = page.locator(".edge-label").nth(k)
        assert not any(overlaps(label.bounding_box(), n) for n in nodes), label.inner_text()

    page.locator(".react-flow__node[data-id=tokens]").click()
    expect(page.get_by_test_id("param-shape")).to_have_value("null")
    expect(page.locator(".edge-label").first).to_contain_text("?")

    page.locator(".react-flow__node[data-id=emb]").click()
    expect(page.get_by_test_id("param-mask_zero")).to_be_checked()

    page.locator(".react-flow__node[data-id=bi]").click()
    expect(page.get_by_test_id("param-bidirectional")).to_be_checked()
    expect(page.get_by_test_id("param-merge_mode").locator("option:checked")).to_have_text("sum")
    shot("bidirectional")

    # an unknown size typed into the inspector is kept as null
    page.locator(".react-flow__node[data-id=tokens]").click()
    field = page.get_by_test_id("param-shape")
    field.fill("null, 3")
    field.press("Enter")
    page.locator(".react-flow__node[data-id=tokens]").click()
    expect(page.get_by_test_id("param-shape")).to_have_value("null, 3")
    shot("input-null")

    wait_validated(page)
    # Node faces: the unknown length is '?', the bidirectional LSTM says so with its merge mode.
    expect(page.get_by_test_id("node-bi-bi")).to_have_text("bi · sum")
    expect(page.get_by_test_id("node-tokens")).to_contain_text("[?, 3]")


@pytest.fixture(scope="module")
def two_way_file(tmp_path_factory):
    import keras

    L = keras.layers
    inp = keras.Input((None, 3), name="steps")
    f, b = L.Bidirectional(L.GRU(2), merge_mode=None, name="bi")(inp)
    out = L.Dense(2, name="head")(L.Concatenate(name="join")([b, f]))
    path = tmp_path_factory.mktemp("keras2") / "two_way.keras"
    keras.Model(inp, out, name="two_way").save(path)
    return path


def test_merge_mode_none_block_has_fwd_and_bwd_ports(page: Page, server, shot, two_way_file):
    """merge_mode=None: one block with two output ports, fwd and bwd; choosing a merge mode folds them to out."""
    import_keras_file(page, two_way_file)
    bi = page.locator(".react-flow__node[data-id=bi]")
    expect(bi.locator(".react-flow__handle.source")).to_have_count(2)
    expect(bi.locator(".react-flow__handle.source[data-handleid=fwd]")).to_have_count(1)
    expect(bi.locator(".react-flow__handle.source[data-handleid=bwd]")).to_have_count(1)
    bi.click()
    expect(page.get_by_test_id("param-merge_mode").locator("option:checked")).to_have_text("none")
    shot("bidirectional-two-ports")
