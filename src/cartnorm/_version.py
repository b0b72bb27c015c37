"""The installed version of cartnorm."""

__version__ = "0.1.0"
