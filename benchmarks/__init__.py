"""`make bench`: the benchmark harness (outside the package: users never run it)."""
