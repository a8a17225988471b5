"""Waiting with a deadline: the one poll loop of the project.

Tests and tools that wait for something (a job to run, a node to go down, a
file to appear) call ``until`` instead of sleeping a fixed time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeoutError(AssertionError):
    """What was waited for did not happen in time (an AssertionError, so pytest shows it)."""


def until(
    check: Callable[[], T],
    timeout: float = 30.0,
    what: str | Callable[[], str] = "the condition",
    step: float = 0.1,
) -> T:
    """Call check() until it returns a true value, and return that value.

    After ``timeout`` seconds raise WaitTimeoutError naming ``what`` (a string, or a
    function called then, e.g. to show the job's state at that moment) and the
    last value check() returned.
    """
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() >= deadline:
            said = what() if callable(what) else what
            raise WaitTimeoutError(f"not reached within {timeout:g} s: {said} (last: {got!r})")
        time.sleep(step)
