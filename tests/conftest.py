"""Shared test setup: quiet TensorFlow, deterministic seeds, repo-relative fixtures."""

import os
import pathlib

from hypothesis import settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")

# Property tests draw the same examples on every run, so CI is never red by the luck of a draw;
# HYPOTHESIS_PROFILE=explore draws new ones (run it when changing shape rules, keep what it finds
# as an @example).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
