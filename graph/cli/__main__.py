"""`python -m graph.cli`: the `saltkg` command."""

import sys

from graph.cli import main

sys.exit(main())
