"""The `xxgk` command."""
