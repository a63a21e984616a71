"""`python -m crawler`: the `newsdao` command."""

import sys

from crawler.cli import main

sys.exit(main())
