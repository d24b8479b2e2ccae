"""Hostile requests against a real server: each is refused with the right status and error
code, the server stays healthy, its memory stays bounded, and nothing stored changes."""

from __future__ import annotations

import pytest
from hostile_cases import cases
from hostile_server import RSS_SLACK

CASES = cases()


def _codes(resp) -> list[str]:
    """Issue codes of an error answer, or of a validation report's errors (same key)."""
    items = resp.json().get("errors") or []
    return [i.get("code") for i in items if isinstance(i, dict)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_request(hostile, case):
    before = hostile.snapshot()
    resp = case.request(hostile)
    assert resp.status_code == case.status, f"{case.name}: {resp.status_code} {resp.text[:400]}"
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.text[:200]
    if case.code is not None:
        assert case.code in _codes(resp), f"{case.name}: {resp.text[:400]}"
    assert "NaN" not in resp.text and "Traceback" not in resp.text
    assert hostile.api("GET", "/api/health").status_code == 200
    assert hostile.rss() < hostile.baseline + RSS_SLACK, f"server RSS {hostile.rss() / 2**20:.0f} MiB after {case.name}"
    assert hostile.snapshot() == before, f"{case.name} changed what is stored"


def test_suite_is_large_enough():
    assert len(CASES) >= 80
