"""Benchmark of the mediators' work queues and the case page on a large PostgreSQL database."""
