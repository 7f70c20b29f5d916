"""`python -m pipeline` is the same as the `xxgk` command."""

import sys

from pipeline.cli.main import main

sys.exit(main())
