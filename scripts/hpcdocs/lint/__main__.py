"""python -m hpcdocs.lint: the job-script checker (lint-jobscript)."""

import sys

from hpcdocs.lint.cli import main

sys.exit(main())
