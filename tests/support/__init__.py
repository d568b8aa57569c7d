"""Helpers shared by the template's tests and its benchmarks, one concern per module."""
