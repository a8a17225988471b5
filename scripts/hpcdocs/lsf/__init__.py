"""An LSF compatibility layer over Slurm, for the site's test cluster only.

IBM Spectrum LSF cannot be installed here, yet the site's LSF pages must be
proven. These modules give ``bsub``, ``bjobs``, ``bkill``, ``bqueues``,
``bhosts``, ``bpeek``, ``bhist`` and ``blaunch`` that accept LSF 10.1's
syntax and print its formats, and do the work with Slurm, the way Debian's
slurm-wlm-torque wraps Slurm in PBS commands. It is never presented as LSF.

The commands are one entry point, ``hpcdocs-lsf`` (``cli.dispatch``), which runs
the command it is called as: scripts/lsf/bin holds only links named bsub, bjobs,
... to .venv/bin/hpcdocs-lsf, and the test cluster puts that directory on PATH,
so jobs find the LSF commands there and not the project's Python.

The translation (option parsing, LSF resource strings to sbatch options,
Slurm's answers to LSF's tables) is pure functions, unit-tested without a
cluster; the ``main`` of each command does the I/O.
"""

BANNER = "LSF compatibility layer over Slurm (site test cluster); not IBM Spectrum LSF"


class LsfError(Exception):
    """A message for the user in LSF's style; the command exits non-zero."""

    def __init__(self, message: str, status: int = 255):
        super().__init__(message)
        self.status = status
