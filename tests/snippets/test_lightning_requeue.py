"""Lightning's automatic requeue in pytorch/09-lightning.sh and pytorch/lightning_train.py
(pytorch.md#lightning and #requeue).

Lightning's SLURMEnvironment (lightning/fabric/plugins/environments/slurm.py) has
auto_requeue=True and requeue_signal=SIGUSR1 by default, and the Trainer uses it by itself
under srun. On that signal it saves a checkpoint and runs `scontrol requeue`. Slurm sends a
signal before the time limit only if the job script asks, `#SBATCH --signal=SIG@SECONDS`,
and without `B:` (that sends it to the batch shell alone, not to the srun tasks Lightning
runs in); and the job must be requeueable.
"""

from __future__ import annotations

import ast
import re

import pytest
from hpcdocs import ROOT
from hpcdocs.snippettests.runner import python_command, report

SCRIPT = ROOT / "snippets" / "pytorch" / "09-lightning.sh"
PROGRAM = ROOT / "snippets" / "pytorch" / "lightning_train.py"
SIGNAL = re.compile(r"^(?P<batch>B:)?(?:SIG)?(?P<name>[A-Z0-9]+)@(?P<seconds>[0-9]+)$")


def program_requeue() -> tuple[bool, str]:
    """(auto_requeue, requeue signal) of the SLURMEnvironment the program builds."""
    calls = [
        node
        for node in ast.walk(ast.parse(PROGRAM.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "SLURMEnvironment"
    ]
    assert len(calls) == 1, (
        f"{PROGRAM.name}: expected one SLURMEnvironment(...), found {len(calls)}"
    )
    keywords = {k.arg: k.value for k in calls[0].keywords}
    auto = keywords.get("auto_requeue")
    requeue = auto is None or (isinstance(auto, ast.Constant) and auto.value is True)
    signal = keywords.get("requeue_signal")
    if signal is None:
        return requeue, "SIGUSR1"  # Lightning's default
    assert isinstance(signal, ast.Attribute), f"{PROGRAM.name}: requeue_signal=signal.SIG..."
    return requeue, signal.attr


def script_signal() -> re.Match:
    text = SCRIPT.read_text(encoding="utf-8")
    found = re.findall(r"^#SBATCH --signal=(\S+)", text, re.MULTILINE)
    assert len(found) == 1, f"{SCRIPT.name}: expected one #SBATCH --signal=, found {found}"
    match = SIGNAL.match(found[0])
    assert match, f"{SCRIPT.name}: --signal={found[0]} is not [B:]NAME@SECONDS"
    return match


def test_the_job_asks_for_the_signal_lightning_requeues_on():
    requeue, program_signal = program_requeue()
    asked = script_signal()
    assert requeue, f"{PROGRAM.name}: auto_requeue is off, yet the page shows a requeue"
    assert not asked["batch"], (
        f"{SCRIPT.name}: --signal=B:... signals only the batch shell; Lightning runs in the srun tasks"
    )
    assert f"SIG{asked['name']}" == program_signal, (
        f"{SCRIPT.name} asks Slurm for SIG{asked['name']}, {PROGRAM.name} requeues on {program_signal}"
    )
    # Slurm checks every 60 s or so and may signal up to a minute early; the checkpoint needs time.
    assert int(asked["seconds"]) >= 60
    assert re.search(r"^#SBATCH --requeue\b", SCRIPT.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.cluster
def test_lightning_requeues_on_sigusr1_by_default(runner, catalog, snippet_cluster):
    """What pytorch.md says of the Lightning the site installs: auto_requeue on, SIGUSR1."""
    env = catalog["conda/09-create-torch-env.sh"]
    made = runner.outcome(env)
    assert made.passed, report(env, made)
    code = (
        "from lightning.pytorch.plugins.environments import SLURMEnvironment as E; "
        "e = E(); print('defaults', e.auto_requeue, e.requeue_signal.name)"
    )
    done = snippet_cluster.bash(python_command("-W", "torch", ["ignore", "-c", code]), timeout=120)
    assert "defaults True SIGUSR1" in done.stdout, done.stdout + done.stderr
