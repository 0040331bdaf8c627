"""Build-performance benchmark of the health library: `python -m benchmarks.build_bench --help`."""
