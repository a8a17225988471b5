"""`conda activate` in a script without conda's shell hook before it (check conda-no-hook)."""

import subprocess

import pytest
from hpcdocs import ROOT, command, facts
from hpcdocs.lint import lint

HOOK = 'eval "$(conda shell.bash hook)"'
SLURM = "#!/bin/bash\n#SBATCH --time=00:05:00\n"


def hook_findings(text, name="job.sh"):
    return [(f.line, f.severity) for f in lint(text, name=name) if f.code == "conda-no-hook"]


def message(text, name="job.sh"):
    return next(f.message for f in lint(text, name=name) if f.code == "conda-no-hook")


@pytest.mark.parametrize(
    "body,line,severity",
    [
        ("conda activate sci\npython fit.py\n", 3, "error"),
        ("module purge\ncd $HOME && conda activate sci\n", 4, "error"),
        ("conda activate sci\n" + HOOK + "\n", 3, "error"),  # the hook comes too late
        ("# " + HOOK + "\nconda activate sci\n", 4, "error"),  # a comment sets nothing up
        ("conda init bash\nconda activate sci\n", 4, "error"),  # edits ~/.bashrc only
        ("module load miniforge3/24.11.3\nconda init\nconda activate sci\n", 5, "error"),
        ("module load miniforge3/24.11.3\nconda activate sci\n", 4, "warning"),
        ("module load anaconda3\nconda activate sci\n", 4, "warning"),
        ("source ~/.bashrc\nconda activate sci\n", 4, "warning"),
        (". $HOME/.bashrc\nconda activate sci\n", 4, "warning"),
    ],
)
def test_activate_without_hook_is_flagged(body, line, severity):
    assert hook_findings(SLURM + body) == [(line, severity)]


def test_lsf_script_and_plain_sh_are_checked():
    lsf = "#!/bin/bash\n#BSUB -W 10\n#BSUB -n 1\nconda activate sci\n"
    assert hook_findings(lsf, name="job.lsf.sh") == [(4, "error")]
    assert hook_findings("set -euo pipefail\nconda activate torch\n", name="setup.sh") == [
        (2, "error")
    ]


def test_login_shebang_is_only_a_warning():
    assert hook_findings("#!/bin/bash -l\n#SBATCH -t 5\nconda activate sci\n") == [(3, "warning")]


def test_message_names_the_fix_and_the_conda_init_mistake():
    text = message(SLURM + "conda activate sci\n")
    assert HOOK in text and "etc/profile.d/conda.sh" in text and "~/.bashrc" in text
    text = message(SLURM + "conda init bash\nconda activate sci\n")
    assert "`conda init` on line 3 only edits ~/.bashrc" in text
    text = message(SLURM + "module load miniforge3\nconda activate sci\n")
    assert "`module load` (line 3)" in text


@pytest.mark.parametrize(
    "body",
    [
        "module load miniforge3/24.11.3\n" + HOOK + "\nconda activate sci\n",
        'source "$(conda info --base)/etc/profile.d/conda.sh"\nconda activate sci\n',
        ". /opt/miniforge3/etc/profile.d/conda.sh\nconda activate sci\n",
        'eval "$(/opt/miniforge3/bin/conda shell.bash hook)"\nconda activate sci\n',
        # the block `conda init` writes, pasted into the script itself
        "__conda_setup=\"$('/opt/conda/bin/conda' 'shell.bash' 'hook' 2> /dev/null)\"\n"
        'eval "$__conda_setup"\nconda activate sci\n',
        HOOK + "\nconda activate sci\nconda deactivate\nconda activate tf\n",
        "# conda activate sci\npython fit.py\n",  # a comment
        'echo "then run: conda activate sci"\n',  # text, not a command
        "conda run -n sci python fit.py\n",  # needs no hook
    ],
)
def test_hooked_or_no_activation_is_clean(body):
    assert hook_findings(SLURM + body) == []


def test_console_and_python_are_not_checked():
    # A transcript is typed at an interactive prompt, where `conda init` set conda up.
    assert hook_findings("$ conda activate sci\n$ python fit.py\n", name="x.console") == []
    assert hook_findings('cmd = "conda activate sci"\n', name="x.py") == []


def test_command_line_prints_file_line_and_fails(tmp_path):
    job = tmp_path / "job.sh"
    job.write_text(SLURM + "conda activate sci\n")
    out = subprocess.run(
        [command("lint-jobscript"), "--no-facts", str(job)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 1
    assert f"{job}:3: error: `conda activate` with no conda shell hook before it" in out.stdout
    assert "[conda-no-hook]" in out.stdout


# The site's own scripts: each one that activates an environment sets conda up first.
# troubleshooting/10-no-init.sh is the page's example of the mistake and must stay flagged.
MISTAKE = ROOT / "snippets" / "troubleshooting" / "10-no-init.sh"
ACTIVATING = sorted(
    p for p in (ROOT / "snippets").rglob("*.sh") if "conda activate" in p.read_text("utf-8")
)


@pytest.mark.parametrize("path", ACTIVATING, ids=lambda p: str(p.relative_to(ROOT / "snippets")))
def test_site_scripts_set_conda_up_before_activating(path):
    known = facts.load(ROOT / "cluster.yml")
    text = facts.render(path.read_text(encoding="utf-8"), str(path), known)
    found = [str(f) for f in lint(text, known, name=str(path)) if f.code == "conda-no-hook"]
    if path == MISTAKE:
        assert len(found) == 1 and f"{path}:9:" in found[0]
    else:
        assert found == []
