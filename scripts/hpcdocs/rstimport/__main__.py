"""python -m hpcdocs.rstimport: same as scripts/import-rst."""

import sys

from hpcdocs.rstimport.cli import main

sys.exit(main())
