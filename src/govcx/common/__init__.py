"""Shared library code used by several apps."""
