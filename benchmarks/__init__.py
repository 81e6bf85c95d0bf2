"""Performance benchmarks: each `bench_*.py` prints a table and one JSON line, ours beside a
baseline run on the same feed (these machines are noisy, so only side-by-side numbers mean much)."""
