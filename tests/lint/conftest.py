"""Shared fixtures for the job-script checker's tests."""

from pathlib import Path

import pytest
from hpcdocs import facts as facts_mod

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def facts() -> dict:
    """A frozen copy of cluster.yml, so these tests do not move with the site's facts."""
    return facts_mod.load(FIXTURES / "cluster.yml")
