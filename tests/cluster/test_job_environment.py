"""What a batch job inherits from the shell that submits it (docs/*/modules.md#modules-in-jobs).

snippets/modules/06-inherited.console shows the default (--export=ALL) and
--export=NONE; these tests add what it cannot show: with --export=NONE the job
starts from a fresh login's environment, and `srun` inside such a job inherits
NONE through SLURM_EXPORT_ENV unless the script sets it to ALL.
"""

from __future__ import annotations

from hpcdocs import ROOT, facts

DEBUG = facts.get("partitions.debug")
PAGES = [ROOT / "docs" / lang / "modules.md" for lang in ("zh", "en")]

SRUN_SCRIPT = """#!/bin/bash
echo "batch: MY_SETTING=${MY_SETTING:-(not set)} SLURM_EXPORT_ENV=${SLURM_EXPORT_ENV:-(not set)}"
export IN_SCRIPT=yes
srun python -c 'print("srun ran")'
export SLURM_EXPORT_ENV=ALL
srun bash -c 'echo "srun after SLURM_EXPORT_ENV=ALL: IN_SCRIPT=${IN_SCRIPT:-(not set)}"'
"""


def _submit(cluster, tmp_path, export: str, script: str = SRUN_SCRIPT) -> str:
    """Submit script with --export=export from a shell that set MY_SETTING; its output."""
    (tmp_path / "job.sh").write_text(script, encoding="utf-8")
    out = tmp_path / f"{export}.out"
    r = cluster.bash(
        "export MY_SETTING=hello; sbatch --parsable "
        f"--export={export} --partition={DEBUG['name']} --time=00:02:00 --output={out} job.sh",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    jobid = r.stdout.strip()
    cluster.wait_job(jobid, timeout=90, accounting=False)
    return out.read_text(encoding="utf-8")


def test_default_export_passes_the_submitting_shell_on_to_srun_too(cluster, tmp_path):
    out = _submit(cluster, tmp_path, "ALL")
    assert "batch: MY_SETTING=hello SLURM_EXPORT_ENV=(not set)" in out, out
    assert "execve()" not in out, out


def test_export_none_reaches_srun_through_slurm_export_env(cluster, tmp_path):
    out = _submit(cluster, tmp_path, "NONE")
    assert "batch: MY_SETTING=(not set) SLURM_EXPORT_ENV=NONE" in out, out
    # The step got only SLURM_* variables: not even PATH, so `python` is not found.
    assert "execve(): python: No such file or directory" in out, out
    assert "srun ran" not in out, out
    # After `export SLURM_EXPORT_ENV=ALL`, srun passes the script's environment on.
    assert "srun after SLURM_EXPORT_ENV=ALL: IN_SCRIPT=yes" in out, out
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "export SLURM_EXPORT_ENV=ALL" in text, page
        assert "execve(): python: No such file or directory" in text, page


def test_export_none_starts_from_a_login_environment(cluster, tmp_path):
    """Slurm 22.05's sbatch --export=NONE also loads the user's login environment
    on the node (opt.get_user_env): HOME and PATH are there, variables set in the
    submitting shell are not."""
    cluster.require_test_cluster("the login files are this machine's")
    script = '#!/bin/bash\necho "HOME=${HOME:-(not set)} PATH=${PATH:+set} MY=${MY_SETTING:-(not set)}"\n'
    out = _submit(cluster, tmp_path, "NONE", script)
    assert "PATH=set MY=(not set)" in out and "HOME=(not set)" not in out, out


def test_export_none_still_has_the_module_function(cluster, tmp_path):
    """The login environment slurmd loads for --export=NONE includes what the
    modules' start-up script exports, `module` too, so troubleshooting.md does
    not give --export=NONE as a cause of `module: command not found`."""
    cluster.require_test_cluster("the modules start-up script is this machine's")
    script = tmp_path / "m.sh"
    script.write_text('#!/bin/bash\necho "module is a $(type -t module)"\n', encoding="utf-8")
    jobid = cluster.sbatch(
        f"--export=NONE --partition={DEBUG['name']} --time=00:01:00 -o {tmp_path}/m.out {script}",
        cwd=tmp_path,
    )
    cluster.wait_job(jobid, timeout=90, accounting=False)
    assert "module is a function" in (tmp_path / "m.out").read_text(encoding="utf-8")
    for lang in ("zh", "en"):
        page = PAGES[0].parents[1] / lang / "troubleshooting.md"
        section = page.read_text(encoding="utf-8").split("{ #module-not-found }", 1)[1]
        section = section.split("\n### ", 1)[0]
        assert "--export=NONE" not in section, page
