"""Waldiez task runner: runs one .waldiez flow and speaks the Redis protocol v1 (docs/protocol.md)."""

__version__ = "0.1.0"
