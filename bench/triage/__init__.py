"""Benchmarks of the pure triage steps: classification, routing, assignment."""
