"""The shared vocabulary of every stage: the statutory format, the configuration, records and
findings, and the small helpers everyone uses."""
