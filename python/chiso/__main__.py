"""``python -m chiso``: the chiso command line (see ``chiso --help``)."""
import sys

from .cli import main

sys.exit(main())
