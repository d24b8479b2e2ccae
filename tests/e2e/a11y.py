"""axe-core accessibility checks in e2e tests: inject the axe.min.js that
``axe-playwright-python`` ships and run ``axe.run()`` in the page."""

from __future__ import annotations

import pathlib

import axe_playwright_python

AXE_JS = pathlib.Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
BAD = ("serious", "critical")


def violations(page, context: str | None = None) -> list[dict]:
    """Serious and critical violations on the page (or inside the element matching ``context``)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("ctx => axe.run(ctx ? document.querySelector(ctx) : document, {resultTypes: ['violations']})", context)
    return [v for v in result["violations"] if v.get("impact") in BAD]


def describe(vs: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in vs
    )
