"""Benchmarks of the portal's pages at 1x and 10x the real data size (make bench)."""
