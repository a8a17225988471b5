"""conda's command-line grammar (24.x/25.x) and a checker for the site's conda commands.

    from hpcdocs.condagrammar import check_file, check_text, parse, matchspec

See grammar.py for where the grammar comes from.
"""

from . import matchspec
from .checker import Finding, check_file, check_text
from .parser import Parsed, parse

__all__ = ["Finding", "Parsed", "check_file", "check_text", "matchspec", "parse"]
