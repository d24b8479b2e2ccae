"""Imports every block family so that their blocks register."""
from akid.blocks import composite, conv, core, merge, normalization, recurrent  # noqa: F401
from akid.data import jokers  # noqa: F401,E402  (augmentation blocks, category "joker")
