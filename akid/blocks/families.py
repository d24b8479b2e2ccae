"""Imports every block family so that their specs register (none of them imports TensorFlow)."""

from akid.blocks import composite, conv, core, jokers, merge, normalization, pool1d, recurrent, upsample  # noqa: F401
