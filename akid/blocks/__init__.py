"""Blocks: every layer, merge and data-processing step is a declarative block spec."""

from akid.blocks.base import Block, BlockParams, BlockSpec, Inference, PortRule, PortSpec, Shape
from akid.blocks.registry import all_blocks, block_specs, block_types, get_block, has_block, register_block

__all__ = [
    "Block",
    "BlockParams",
    "BlockSpec",
    "Inference",
    "PortRule",
    "PortSpec",
    "Shape",
    "all_blocks",
    "block_specs",
    "block_types",
    "get_block",
    "has_block",
    "register_block",
]
