"""python -m hpcdocs.rstimport: same as import-rst."""

import sys

from hpcdocs.rstimport.cli import main

sys.exit(main())
