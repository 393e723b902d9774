"""Benchmarks: `python -m bench <scenario>`. Each prints one JSON object as its last line."""
