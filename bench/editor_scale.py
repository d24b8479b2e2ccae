"""Graph editor at scale: time to render N-node graphs and frame times while dragging a node.

Why: the editor must stay smooth on big graphs (500 nodes at 60 fps). We drive
the real thing: ``python -m akid serve`` on a free 127.0.0.1 port serving the
built ``frontend/dist``, headless Debian Chromium through Playwright.

- render: ``window.__akid.load(doc)`` (the editor's own hook, the same path as
  opening a file) until the node elements are in the DOM, measured (visible)
  and unchanged for 3 frames (React Flow fits the view after measuring, which
  changes what is rendered); timed in the page with ``performance.now()``.
- drag: ``page.mouse`` drags a node near the middle of the fitted view while the
  page records, for every pointer move, the main-thread busy time from the
  first pointer-move listener to the end of the frame that renders the move
  (a message posted from requestAnimationFrame runs after style, layout and
  paint), leaving out any idle wait for vsync in between: "frame work ms". Chrome's own counters (CDP ``Performance.getMetrics``)
  split the drag's main-thread time per input frame into script (React, React
  Flow), layout, style recalc and other (paint recording, compositing, GC).
  Raw requestAnimationFrame intervals are reported too;
  they cannot go below the 16.7 ms vsync of a 60 Hz display, so they show
  dropped frames, not headroom.

Target: under 16 ms of work per frame while dragging in a 500-node graph and
under 33 ms at 2,000 nodes; ratio = the smaller of budget / p95 frame work ms
over both sizes (``--smoke``: 100 nodes, 16 ms).

    python bench/editor_scale.py [--quick] [--smoke]
    python bench/editor_scale.py --composites   # 2,000 blocks in 200 composites (not in run.py)
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import time
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import percentile, result  # noqa: E402
from studio import Shared  # noqa: E402

BUDGET_MS = 16.0
BUDGET_LARGE_MS = 33.0  # 2,000 nodes: 30 fps
DIST = ROOT / "frontend" / "dist" / "index.html"

# Loads ``doc`` through the editor hook; resolves with ms until the rendered node set is stable.
RENDER_JS = """async (doc) => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const t0 = performance.now();
  if (!window.__akid.load(doc)) throw new Error('the editor refused the graph');
  let last = -1, same = 0, tDone = null, count = 0;
  for (let i = 0; i < 1200 && same < 3; i++) {
    await frame();
    const els = document.querySelectorAll('.react-flow__node');
    count = els.length;
    const ready = count > 0 && window.__akid.graph().nodes.length === doc.nodes.length &&
      ![...els].some((e) => e.style.visibility === 'hidden');
    if (ready && count === last) { same += 1; } else { same = 0; tDone = performance.now(); }
    last = ready ? count : -1;
  }
  if (same < 3) throw new Error('the graph did not settle within 1200 frames');
  return { ms: tDone - t0, dom_nodes: count };
}"""

# Frame instrumentation. Per pointer move: main-thread busy time from the first pointermove listener
# to the end of the frame that renders it, *without* the idle wait for vsync between them: if the
# move was handled in its own task (a message posted from the listener runs before that frame's
# requestAnimationFrame), busy = (end of that task - move) + (end of frame - frame start); if it was
# handled inside the frame, busy = end of frame - move. A message posted from requestAnimationFrame
# runs after that frame's style, layout and paint. Also: every rAF interval.
PROBE_JS = """() => {
  const fb = { intervals: [], work: [], on: true, move: null, moveEnd: null };
  window.__fb = fb;
  const afterInput = new MessageChannel();
  afterInput.port1.onmessage = () => { if (fb.move !== null && fb.moveEnd === null) fb.moveEnd = performance.now(); };
  window.addEventListener('pointermove', () => {
    if (fb.move === null) { fb.move = performance.now(); fb.moveEnd = null; afterInput.port2.postMessage(0); }
  }, { capture: true });
  const afterFrame = new MessageChannel();
  afterFrame.port1.onmessage = (ev) => {
    const [move, moveEnd, frame] = ev.data, end = performance.now();
    fb.work.push(moveEnd !== null && moveEnd <= frame ? (moveEnd - move) + (end - frame) : end - move);
  };
  let last = performance.now();
  const tick = (t) => {
    const now = performance.now();
    fb.intervals.push(t - last); last = t;
    if (fb.move !== null) { afterFrame.port2.postMessage([fb.move, fb.moveEnd, now]); fb.move = null; }
    if (fb.on && fb.intervals.length < 100000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def make_graph(n: int, cols: int = 25) -> dict[str, Any]:
    """Input -> Dense chain -> Output laid out on a grid: ``n`` nodes, ``n - 1`` edges, valid."""
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [16], "feature": "image"}, "position": {"x": 0, "y": 0}}]
    edges, prev = [], "x"
    for i in range(1, n - 1):
        nid = f"d{i}"
        nodes.append(
            {"id": nid, "type": "Dense", "params": {"units": 16}, "position": {"x": (i % cols) * 240, "y": (i // cols) * 160}}
        )
        edges.append({"id": f"e{i}", "source": prev, "target": nid})
        prev = nid
    nodes.append({"id": "y", "type": "Output", "params": {}, "position": {"x": 0, "y": (n // cols + 1) * 160}})
    edges.append({"id": "ey", "source": prev, "target": "y"})
    return {"format": "akid.graph/v1", "name": f"bench{n}", "nodes": nodes, "edges": edges}


def make_composite_graph(blocks: int, per: int = 10, cols: int = 10) -> dict[str, Any]:
    """``blocks`` Dense blocks packed ``per`` to a composite ``Unit`` (Input -> Dense x per -> Output),
    chained on a grid: the canvas shows ``blocks / per`` composite nodes (collapsed by default)."""
    inner = [{"id": "in", "type": "Input", "params": {"shape": [16]}}]
    inner_edges, prev = [], "in"
    for j in range(per):
        inner.append({"id": f"d{j}", "type": "Dense", "params": {"units": 16}})
        inner_edges.append({"id": f"e{j}", "source": prev, "target": f"d{j}"})
        prev = f"d{j}"
    inner.append({"id": "out", "type": "Output", "params": {}})
    inner_edges.append({"id": "eo", "source": prev, "target": "out"})
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [16], "feature": "image"}, "position": {"x": 0, "y": 0}}]
    edges, prev = [], "x"
    units = blocks // per
    for i in range(1, units + 1):
        nid = f"u{i}"
        nodes.append({"id": nid, "type": "Unit", "params": {}, "position": {"x": (i % cols) * 240, "y": (i // cols) * 160}})
        edges.append({"id": f"e{i}", "source": prev, "target": nid})
        prev = nid
    nodes.append({"id": "y", "type": "Output", "params": {}, "position": {"x": 0, "y": (units // cols + 1) * 160}})
    edges.append({"id": "ey", "source": prev, "target": "y"})
    unit = {"name": "Unit", "nodes": inner, "edges": inner_edges}
    return {"format": "akid.graph/v1", "name": f"units{blocks}", "blocks": {"Unit": unit}, "nodes": nodes, "edges": edges}


def _open_editor(page: Any) -> None:
    page.goto("/")
    page.wait_for_function("() => !!window.__akid", timeout=60000)


def _drag(page: Any, moves: int) -> dict[str, Any]:
    """Drag the node nearest the pane's centre along a zig-zag; frame stats of that drag."""
    pane = page.locator(".react-flow__pane").bounding_box()
    cx, cy = pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2
    boxes = page.eval_on_selector_all(
        ".react-flow__node",
        """els => els.map((e) => {
        const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })""",
    )
    x, y = min(boxes, key=lambda b: (b[0] - cx) ** 2 + (b[1] - cy) ** 2)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    before = _cdp_metrics(cdp)
    page.evaluate(PROBE_JS)
    page.mouse.move(x, y)
    page.mouse.down()
    t0 = time.perf_counter()
    for i in range(moves):  # 4 px a move, back and forth: every move is a new position
        dx = 4 * (i % 50) if (i // 50) % 2 == 0 else 4 * (50 - i % 50)
        page.mouse.move(x + dx, y + dx / 2)
    page.mouse.up()
    wall = time.perf_counter() - t0
    fb = page.evaluate("() => { window.__fb.on = false; return { intervals: window.__fb.intervals, work: window.__fb.work }; }")
    spent = {k: v - before.get(k, 0.0) for k, v in _cdp_metrics(cdp).items()}
    cdp.detach()
    intervals, work = fb["intervals"][2:], fb["work"]
    n = max(len(work), 1)
    script, layout, style = (spent.get(k, 0.0) * 1000 / n for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration"))
    task = spent.get("TaskDuration", 0.0) * 1000 / n
    breakdown = {
        "script_ms": round(script, 1),
        "layout_ms": round(layout, 1),
        "style_ms": round(style, 1),
        "other_ms": round(max(task - script - layout - style, 0.0), 1),
    }
    return {
        "moves": moves,
        "main_thread_per_input_frame": breakdown,
        "frames_with_input": len(work),
        "drag_s": round(wall, 2),
        "frame_work_p50_ms": _r(percentile(work, 50)),
        "frame_work_p95_ms": _r(percentile(work, 95)),
        "frame_work_max_ms": _r(max(work)) if work else None,
        "raf_interval_p50_ms": _r(percentile(intervals, 50)),
        "raf_interval_p95_ms": _r(percentile(intervals, 95)),
        "frames_over_25ms": sum(1 for v in intervals if v > 25),
        "frames": len(intervals),
    }


def _cdp_metrics(cdp: Any) -> dict[str, float]:
    """Chrome's cumulative main-thread seconds (script, layout, style recalc, all tasks)."""
    return {m["name"]: float(m["value"]) for m in cdp.send("Performance.getMetrics")["metrics"]}


def _r(x: float) -> float | None:
    return None if x != x else round(x, 2)


def measure(browser: Any, base_url: str, n: int, moves: int, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fresh page: render an ``n``-node graph (``doc``, else a chain; cold), then drag a node."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=base_url)
    try:
        page = ctx.new_page()
        page.set_default_timeout(60000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)[:300]))
        _open_editor(page)
        rendered = page.evaluate(RENDER_JS, doc or make_graph(n))
        page.wait_for_timeout(300)  # let the validation request settle before dragging
        out = {"nodes": n, "render_ms": round(rendered["ms"], 1), "dom_nodes": rendered["dom_nodes"], **_drag(page, moves)}
        if errors:
            out["page_errors"] = errors[:5]
        return out
    finally:
        ctx.close()


def run(quick: bool = False, smoke: bool = False, shared: Shared | None = None) -> dict[str, Any]:
    """Render + drag at 100 (smoke) or 500 and 2,000 nodes in headless Chromium against the real server."""
    if not DIST.exists():
        raise FileNotFoundError("frontend/dist is not built: run `make frontend` (or `cd frontend && npm ci && npm run build`)")
    sizes = (100,) if smoke else (500, 2000)
    moves = 40 if smoke else (120 if quick else 400)
    own = shared is None
    shared = shared or Shared()
    try:
        url, browser = shared.studio().url, shared.browser()
        measure(browser, url, 20, 10)  # warm the server and the browser's caches
        rows = [measure(browser, url, n, moves) for n in sizes]
    finally:
        if own:
            shared.close()
    # budget per size: 16 ms (60 fps) up to 500 nodes, 33 ms (30 fps) at 2,000; ratio = the worst budget / p95
    budgets = {r["nodes"]: (BUDGET_MS if r["nodes"] <= 500 else BUDGET_LARGE_MS) for r in rows}
    ratios = [budgets[r["nodes"]] / r["frame_work_p95_ms"] for r in rows if r["frame_work_p95_ms"]]
    ratio = min(ratios) if len(ratios) == len(rows) else None
    target = " and ".join(f"< {budgets[r['nodes']]:.0f} ms at {r['nodes']}" for r in rows)
    return result(
        "editor_scale",
        ratio,
        f"p95 frame work dragging {target} nodes",
        None if ratio is None else ratio >= 1.0,
        frame_work_p95_ms=rows[0]["frame_work_p95_ms"],
        render_ms={str(r["nodes"]): r["render_ms"] for r in rows},
        sizes=rows,
        machine=f"{os.cpu_count()} cores, headless Chromium with --disable-gpu (software raster)",
    )


def run_composites(blocks: int = 2000, moves: int = 120) -> dict[str, Any]:
    """Not part of ``run.py``: ``blocks`` Dense blocks in composites of 10 (all collapsed on load)."""
    shared = Shared()
    try:
        url, browser = shared.studio().url, shared.browser()
        measure(browser, url, 20, 10)
        doc = make_composite_graph(blocks)
        row = measure(browser, url, len(doc["nodes"]), moves, doc)
    finally:
        shared.close()
    return {"name": "editor_scale_composites", "blocks": blocks, "canvas_nodes": len(doc["nodes"]), **row}


if __name__ == "__main__":
    if "--composites" in sys.argv:  # python bench/editor_scale.py --composites
        print(json.dumps(run_composites(), indent=2))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv, smoke="--smoke" in sys.argv), indent=2))
