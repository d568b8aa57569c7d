"""Benchmarks of the template: run them from its root, as ``python -m benchmarks.<name>``."""
