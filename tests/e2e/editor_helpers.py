"""Mouse-level helpers for driving the graph editor in e2e tests."""

from __future__ import annotations


def center(box):
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def open_editor(page, path: str = "/"):
    page.goto(path)
    page.get_by_test_id("palette-Input").wait_for()
    page.wait_for_function("() => !!window.__akid")


def drop(page, block: str, x: float, y: float) -> None:
    """Drag a palette item onto the canvas at (x, y) relative to the canvas."""
    canvas = page.get_by_test_id("canvas").bounding_box()
    page.get_by_test_id(f"palette-{block}").drag_to(page.locator(".react-flow__pane"), target_position={"x": x, "y": y})
    assert canvas  # the canvas exists


def connect(page, src: str, tgt: str, src_port: str = "out", tgt_port: str = "in") -> None:
    """Draw an edge with the mouse, from an output handle to an input handle."""
    wait_validated(page)  # let the nodes settle before aiming at their handles
    a = center(page.get_by_test_id(f"handle-{src}-out-{src_port}").bounding_box())
    b = center(page.get_by_test_id(f"handle-{tgt}-in-{tgt_port}").bounding_box())
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, steps=5)
    page.mouse.move(*b, steps=5)
    page.mouse.up()


def graph(page) -> dict:
    return page.evaluate("() => window.__akid.graph()")


def edges(page) -> list[dict]:
    return graph(page)["edges"]


def wait_edges(page, n: int) -> None:
    page.wait_for_function("n => window.__akid.graph().edges.length === n", arg=n)


def wait_validated(page) -> None:
    page.evaluate("() => window.__akid.validated()")


def errors(page) -> int:
    wait_validated(page)
    return int(page.get_by_test_id("summary-errors").get_attribute("data-count"))


def edge_id(page, src: str, tgt: str) -> str:
    for e in edges(page):
        if e["source"] == src and e["target"] == tgt:
            return e["id"]
    raise AssertionError(f"no edge {src} -> {tgt}: {edges(page)}")


def load(page, doc: dict) -> None:
    """Load a graph document and wait until it is laid out, fitted and validated."""
    page.evaluate("d => window.__akid.load(d)", doc)
    ready(page)


def ready(page) -> None:
    page.evaluate("() => window.__akid.ready()")


def choose_keras_file(page, path) -> None:
    """Open the editor's Import ▸ Keras model file dialog and pick ``path`` in it."""
    page.goto("/#editor")
    page.get_by_test_id("toolbar").wait_for()
    page.get_by_test_id("import-menu").click()
    page.get_by_test_id("import-keras-file").click()
    page.get_by_test_id("keras-import-dialog").wait_for()
    page.get_by_test_id("keras-file-input").set_input_files(str(path))


def import_keras_file(page, path) -> None:
    """Import a Keras model file that is expected to come in: the dialog closes once it has."""
    choose_keras_file(page, path)
    page.get_by_test_id("keras-import-dialog").wait_for(state="detached", timeout=60000)
