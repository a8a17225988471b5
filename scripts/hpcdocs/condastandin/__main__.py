"""python -m hpcdocs.condastandin ARGS: what scripts/conda/bin/conda runs."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
