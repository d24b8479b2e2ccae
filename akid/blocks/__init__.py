"""Blocks: every layer, merge and data-processing step is a Block."""
from akid.blocks.base import Block, BlockParams, Inference, PortSpec, Shape
from akid.blocks.registry import block_specs, block_types, get_block, has_block, register_block

__all__ = ["Block", "BlockParams", "Inference", "PortSpec", "Shape", "block_specs", "block_types", "get_block", "has_block", "register_block"]
