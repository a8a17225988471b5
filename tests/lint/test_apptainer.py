"""The Apptainer checks (hpcdocs.lint.apptainer) and the definition-file parser
(hpcdocs.lint.deffile): each rule passes a good script and reports a bad one."""

import pytest
from hpcdocs import command
from hpcdocs.lint import deffile, lint

GPU_JOB = """#!/bin/bash
#SBATCH --partition=gpu
#SBATCH --gres=gpu:1
#SBATCH --time=00:10:00
{body}
"""
CPU_JOB = """#!/bin/bash
#SBATCH --partition=cpu
#SBATCH --time=00:10:00
{body}
"""


def codes(text, facts=None, name="job.sh"):
    return {(f.line, f.severity, f.code) for f in lint(text, facts, name=name)}


def only(text, code, facts=None, name="job.sh"):
    return {hit for hit in codes(text, facts, name) if hit[2] == code}


# --- --nv and GPUs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        'apptainer exec --nv "$WORK/t.sif" python train.py',
        'singularity exec --nv "$WORK/t.sif" python train.py',
        'apptainer run --nvccli "$WORK/t.sif"',
        'srun apptainer exec --nv "$WORK/t.sif" python train.py',
        'srun --cpus-per-task=4 \\\n    apptainer exec \\\n    --nv "$WORK/t.sif" python t.py',
        'export APPTAINER_NV=1\napptainer exec "$WORK/t.sif" python train.py',
        '/usr/bin/apptainer --debug exec --nv "$WORK/t.sif" python train.py',
        'apptainer pull "$WORK/t.sif" docker://python:3.11-slim',  # no GPU needed to pull
    ],
)
def test_gpu_job_with_nv_passes(body, facts):
    assert only(GPU_JOB.format(body=body), "apptainer-no-nv", facts) == set()


@pytest.mark.parametrize(
    "body",
    [
        'apptainer exec "$WORK/t.sif" python train.py',
        'singularity exec "$WORK/t.sif" python train.py',
        'apptainer run --bind "$SCRATCH" "$WORK/t.sif"',
        'srun apptainer exec "$WORK/t.sif" python train.py',
        'srun --cpus-per-task=4 \\\n    apptainer exec \\\n    "$WORK/t.sif" python t.py',
        'apptainer instance start "$WORK/t.sif" web',
    ],
)
def test_gpu_job_without_nv_is_an_error(body, facts):
    assert only(GPU_JOB.format(body=body), "apptainer-no-nv", facts) == {
        (5, "error", "apptainer-no-nv")
    }


@pytest.mark.parametrize(
    "directive", ["#SBATCH --gpus=2", "#SBATCH --gpus-per-node=1", "#SBATCH -G 1",
                  "#BSUB -gpu num=1"],
)  # fmt: skip
def test_every_way_of_asking_for_gpus_counts(directive):
    text = f"#!/bin/bash\n{directive}\napptainer exec t.sif python x.py\n"
    assert only(text, "apptainer-no-nv") == {(3, "error", "apptainer-no-nv")}


def test_srun_gres_on_the_line_asks_for_gpus():
    typed = "# test: run=console\n$ srun --gres=gpu:1 apptainer exec t.sif nvidia-smi\n"
    assert only(typed, "apptainer-no-nv", name="t.console") == {(2, "error", "apptainer-no-nv")}
    good = "$ srun --gres=gpu:1 apptainer exec --nv t.sif nvidia-smi\n"
    assert only(good, "apptainer-no-nv", name="t.console") == set()


def test_nv_in_a_job_that_asks_for_no_gpu_is_an_error(facts):
    bad = CPU_JOB.format(body='apptainer exec --nv "$WORK/t.sif" python train.py')
    assert only(bad, "apptainer-nv-no-gpu", facts) == {(4, "error", "apptainer-nv-no-gpu")}
    good = CPU_JOB.format(body='apptainer exec "$WORK/t.sif" python train.py')
    assert only(good, "apptainer-nv-no-gpu", facts) == set()
    # No directives: a transcript or helper script; --nv there is the reader's choice.
    assert only("apptainer exec --nv t.sif true\n", "apptainer-nv-no-gpu") == set()
    # srun --gres=gpu on the line itself asks for the GPU
    step = CPU_JOB.format(body="srun -p gpu --gres=gpu:1 apptainer exec --nv t.sif true")
    assert only(step, "apptainer-nv-no-gpu", facts) == set()


# --- binds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        'apptainer exec --bind "$SCRATCH" t.sif true',
        'apptainer exec -B "$WORK:/work,$SCRATCH:/scratch:ro" t.sif true',
        'apptainer exec --bind="${SCRATCH}/data:/data" t.sif true',
        'DATA=$WORK/data\napptainer exec -B "$DATA:/data" t.sif true',
        'export APPTAINER_BIND="$WORK,$SCRATCH"\napptainer exec t.sif true',
        'apptainer exec -B /opt/site:/opt/site -B "$PWD" t.sif true',
        'apptainer exec -B "$SLURM_SUBMIT_DIR" -B "$TMPDIR" t.sif true',
    ],
)
def test_binds_of_known_paths_pass(body, facts):
    assert only(CPU_JOB.format(body=body), "apptainer-bind-unknown", facts) == set()


@pytest.mark.parametrize(
    "body,var",
    [
        ('apptainer exec --bind "$PROJECT" t.sif true', "PROJECT"),
        ('apptainer exec -B "$WORK:/work,$DATASETS:/data" t.sif true', "DATASETS"),
        ('singularity exec --bind="${GROUP_DIR}:/g" t.sif true', "GROUP_DIR"),
        ('export APPTAINER_BIND="$PROJECT:/project"', "PROJECT"),
        ("SINGULARITY_BINDPATH=$SCRATCH,$LUSTRE apptainer exec t.sif true", "LUSTRE"),
    ],
)
def test_bind_of_a_variable_the_cluster_lacks_is_an_error(body, var, facts):
    found = [f for f in lint(CPU_JOB.format(body=body), facts, name="job.sh")
             if f.code == "apptainer-bind-unknown"]  # fmt: skip
    assert [(f.line, f.severity) for f in found] == [(4, "error")]
    assert f"${var} is not a storage area" in found[0].message
    assert "$HOME, $WORK, $SCRATCH" in found[0].message


def test_binds_are_not_checked_without_facts():
    body = 'apptainer exec --bind "$PROJECT" t.sif true'
    assert only(CPU_JOB.format(body=body), "apptainer-bind-unknown") == set()


# --- images and caches in $HOME ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "apptainer pull ~/torch.sif docker://pytorch/pytorch:2.13.0-cuda12.6-cudnn9-runtime",
        'singularity pull "$HOME/containers/torch.sif" docker://python:3.11-slim',
        "apptainer build --fakeroot /home/alice/t.sif t.def",
        "export APPTAINER_CACHEDIR=$HOME/.apptainer/cache",
        "SINGULARITY_TMPDIR=~/tmp apptainer build t.sif t.def",
    ],
)
def test_images_and_caches_in_home_are_a_warning(body, facts):
    found = [f for f in lint(f"{body}\n", facts, name="pull.sh") if f.code == "apptainer-home"]
    assert [(f.line, f.severity) for f in found] == [(1, "warning")]
    assert "(50 GB quota)" in found[0].message and "$WORK or $SCRATCH" in found[0].message


@pytest.mark.parametrize(
    "body",
    [
        'apptainer pull "$WORK/containers/torch.sif" docker://python:3.11-slim',
        "apptainer build --fakeroot $SCRATCH/t.sif t.def",
        "export APPTAINER_CACHEDIR=$SCRATCH/apptainer/cache",
        "apptainer exec ~/t.sif true",  # running an image from home is fine
    ],
)
def test_images_and_caches_elsewhere_pass(body, facts):
    assert only(f"{body}\n", "apptainer-home", facts, name="pull.sh") == set()


# --- definition files -------------------------------------------------------------------------

GOOD_DEF = """\
# test: run=static why=example
Bootstrap: docker
From: pytorch/pytorch:2.13.0-cuda12.6-cudnn9-runtime

%post
    python -m pip install --no-cache-dir lightning==2.6.6

%environment
    export PYTHONNOUSERSITE=1

%runscript
    exec python "$@"

%apprun train
    exec python train.py
"""


def test_a_good_definition_file_passes():
    assert deffile.check(GOOD_DEF, "t.def") == []


@pytest.mark.parametrize(
    "old,new,line,words",
    [
        ("%runscript", "%runscrpt", 11, "%runscrpt is not a section of a definition file (did you mean runscript?)"),
        ("Bootstrap: docker\n", "", 1, "no `Bootstrap:` header line"),
        ("Bootstrap: docker", "Bootstrap: dockr", 2, "'dockr' is not a bootstrap agent (did you mean docker?)"),
        ("From: pytorch", "Form: pytorch", 3, "Form: is not a header key of Bootstrap: docker (did you mean From?)"),
        ("From: pytorch/pytorch:2.13.0-cuda12.6-cudnn9-runtime\n", "", 2, "Bootstrap: docker needs a From: line"),
        ("From: pytorch/pytorch", "From: docker://pytorch/pytorch", 3, "without docker://"),
        ("Bootstrap: docker\nFrom: pytorch/pytorch:2.13.0-cuda12.6-cudnn9-runtime",
         "From: pytorch/pytorch:2.13.0-cuda12.6-cudnn9-runtime\nBootstrap: docker", 2,
         "the first header key is From:"),
        ("%apprun train", "%apprun", 14, "%apprun needs the app's name"),
        ("From: pytorch", "pip install torch\nFrom: pytorch", 3, "is not `Key: value`"),
    ],
)  # fmt: skip
def test_a_broken_definition_file_is_an_error(old, new, line, words):
    text = GOOD_DEF.replace(old, new, 1)
    assert text != GOOD_DEF
    errors = [f for f in deffile.check(text, "t.def") if f.severity == "error"]
    assert errors, f"nothing found in:\n{text}"
    assert any(f.line == line and words in f.message for f in errors), [str(f) for f in errors]
    assert all(f.file == "t.def" for f in errors)


def test_an_untagged_image_is_a_warning():
    text = GOOD_DEF.replace(":2.13.0-cuda12.6-cudnn9-runtime", "")
    found = deffile.check(text, "t.def")
    assert [(f.line, f.severity, f.code) for f in found] == [(3, "warning", "def-unpinned")]


def test_shell_sections_keep_their_line_numbers():
    script = deffile.script_sections(GOOD_DEF).split("\n")
    assert script[5] == "    python -m pip install --no-cache-dir lightning==2.6.6"
    assert script[11] == '    exec python "$@"'
    assert script[1] == "" and script[2] == ""  # the header is not shell


def test_lint_jobscript_reads_a_def_file_as_a_definition_file(tmp_path):
    import subprocess

    bad = tmp_path / "torch.def"
    bad.write_text(GOOD_DEF.replace("%runscript", "%runscrpt"), encoding="utf-8")
    good = tmp_path / "ok.def"
    good.write_text(GOOD_DEF, encoding="utf-8")
    done = subprocess.run([command("lint-jobscript"), str(good), str(bad)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{bad}:11: error: %runscrpt is not a section" in done.stdout
    assert str(good) not in done.stdout
