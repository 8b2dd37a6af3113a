"""Benchmarks: scripts that print figures (run `python -m bench`)."""
