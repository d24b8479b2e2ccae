"""Imports every block family so that their blocks register."""
from akid.blocks import conv, core, merge, normalization, recurrent  # noqa: F401
