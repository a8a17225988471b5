"""The reStructuredText importer behind import-rst (see cli.py)."""
