"""Tests here change ``AKID_DATA_PATH``; the settings are read again after each test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_settings():
    yield
    from akid.settings import reload_settings

    reload_settings()
