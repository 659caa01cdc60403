"""Benchmarks (`make bench-*`): figures printed, not timed tests. `bench_pipeline` backs `transcribe bench`; the
other modules are scripts run by the Makefile."""
