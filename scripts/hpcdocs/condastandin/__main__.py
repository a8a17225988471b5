"""python -m hpcdocs.condastandin ARGS: the same as conda-standin (scripts/conda/bin/conda links to it)."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
