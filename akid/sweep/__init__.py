"""Sweeps: a graph (and train config) with *choices* is a family of networks; a sweep trains and compares them.

- :mod:`akid.sweep.choices` — the choice markers of the ``akid.graph/v1`` extension (no TensorFlow).
- :mod:`akid.sweep.space` — the space of a graph with choices: dimensions, size, ``concretize``, validation.
- :mod:`akid.sweep.engine` — the search itself, on Optuna (grid, random, TPE; median pruning).

See ``docs/sweeps.md``.
"""
