"""The reStructuredText importer behind scripts/import-rst (see cli.py)."""
