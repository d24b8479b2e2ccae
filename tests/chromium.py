"""Which Chromium the browser tests and the editor benchmark drive, and with which flags.

Why one module: ``tests/e2e/conftest.py`` and ``bench/studio.py`` each listed the same
executable lookup and flags; a flag added to one (say, for a new Chromium) must reach both.
Debian's ``chromium`` (apt) is used because tools here cannot download their own browsers;
``$AKID_CHROMIUM`` overrides the path.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("AKID_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
