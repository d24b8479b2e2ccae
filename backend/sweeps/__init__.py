"""Sweeps on the server (see :mod:`backend.sweeps.service` and docs/sweeps.md)."""
