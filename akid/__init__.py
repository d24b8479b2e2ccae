"""akid: design neural networks as graphs of blocks, train them, watch them learn."""

__version__ = "0.1.0"
