"""Benchmarks of the search backends."""
