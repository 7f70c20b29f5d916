"""`python -m pipeline` is the same as the `xxgk` command."""

import sys

from pipeline.cli.main import main

if __name__ == "__main__":  # importing the module (a test, a spawned worker) runs nothing
    sys.exit(main())
