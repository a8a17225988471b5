"""The conda grammar checker: correct commands pass, wrong ones are named with FILE:LINE."""

import shlex
import subprocess

import pytest
from hpcdocs import command
from hpcdocs.condagrammar import check_text, parse

VALID = [
    "create -n myenv python=3.12 numpy",
    "create -n myenv -y python=3.11 numpy -c conda-forge",
    "create --name myenv --file spec-file.txt",
    "create -n env2 --clone env1",
    "create -p ./envs/ml python=3.11",
    "install -n myenv scipy",
    "install -c conda-forge numpy",
    "install 'numpy>=1.26,<2'",
    "install --revision 2",
    "install -n ml -c conda-forge --strict-channel-priority conda-forge::numpy",
    "update --all -n myenv",
    "update -n base -c conda-forge conda",
    "upgrade numpy",
    "remove -n myenv --all",
    "remove -n myenv scipy",
    "uninstall -n myenv scipy -y",
    "env remove -n myenv",
    "env remove --name FOO -y",
    "env create -f environment.yml",
    "env create --file environment.yml --name myenv",
    "env export --from-history",
    "env export -n myenv --no-builds -f env.yml",
    "env update -f environment.yml --prune",
    "env list",
    "env config vars set MY_VAR=value",
    "env config vars unset MY_VAR",
    "list --export",
    "list --explicit",
    "list -n myenv numpy",
    "list --revisions",
    "info",
    "info --envs",
    "info -e",
    "info --base",
    "config --add channels conda-forge",
    "config --set channel_priority strict",
    "config --show channels",
    "config --prepend envs_dirs /work/me/envs",
    "config --show-sources",
    "config --remove channels defaults",
    "config --set auto_activate_base false",
    "clean --all -y",
    "clean -a",
    "clean --tarballs",
    "search 'numpy>=1.20'",
    "search -c conda-forge numpy",
    "search numpy --info",
    "run -n myenv python script.py --epochs 3",
    "run --no-capture-output -n myenv python train.py",
    "activate myenv",
    "activate /path/to/env",
    "deactivate",
    "activate --stack env2",
    "init bash",
    "init --reverse",
    "init --dry-run zsh",
    "rename -n old new",
    "compare environment.yml",
    "notices",
    "doctor",
    "--version",
    "-V",
    "--help",
    "install --help",
    "shell.bash hook",
]

INVALID = [
    ("create -n x python=3.11 --yess", "unrecognized argument: --yess"),
    ("isntal numpy", "invalid choice: 'isntal'"),
    ("install", "too few arguments"),
    ("create python=3.11", "-n/--name -p/--prefix is required"),
    ("create -n a -p b python", "not allowed with argument -n/--name"),
    ("install 'numpy=>1.2'", "'=>' is not an operator"),
    ("install 'numpy[cuda]'", "pip-style extras"),
    ("remove -n x", "no package names supplied"),
    ("env create -f e.yml --force", "removed in conda 24.3"),
    ("env export --nobuilds", "unrecognized argument: --nobuilds"),
    ("info numpy", "unrecognized arguments: numpy"),
    ("config --set chanel_priority strict", "unknown parameter 'chanel_priority'"),
    ("init cmd", "invalid choice: 'cmd'"),
    ("env lst", "invalid choice: 'lst'"),
    ("clean --everything", "unrecognized argument: --everything"),
    ("list -n", "expected one argument"),
    ("search numpy scipy", "unrecognized arguments: scipy"),
    ("run -n x", "required: executable_call"),
    ("install --solver=mamba numpy", "invalid choice: 'mamba'"),
    ("create -n x python=3.11 -c conda-forge numpy", "put all packages together"),
    ("shell.bash", "needs one of hook"),
    ("create -n x -yx python", "unrecognized argument: -x"),
]


@pytest.mark.parametrize("command", VALID)
def test_valid_commands_have_no_errors(command):
    parsed = parse(shlex.split(command))
    assert parsed.errors == [], parsed.errors


@pytest.mark.parametrize(("command", "message"), INVALID)
def test_invalid_commands_are_named(command, message):
    parsed = parse(shlex.split(command))
    assert any(message in e for e in parsed.errors), parsed.errors


def test_options_are_parsed_by_long_name():
    parsed = parse(shlex.split("create -yn ml python=3.11 six -c conda-forge -c bioconda"))
    assert parsed.options["--name"] == "ml" and parsed.options["--yes"] is True
    assert parsed.options["--channel"] == ["conda-forge", "bioconda"]
    assert [s.name for s in parsed.specs] == ["python", "six"]


def test_abbreviation_is_a_warning():
    parsed = parse(["env", "export", "--no-build"])
    assert not parsed.errors and any("--no-builds" in w for w in parsed.warnings)


def test_newer_option_warns_about_cluster_version():
    parsed = parse(["list", "--size"])
    assert not parsed.errors and any("needs conda >= 26.1" in w for w in parsed.warnings)


# ---------------------------------------------------------------- whole files


def messages(state, level):
    return [f"{f.line}: {f.message}" for f in state.findings if f.level == level]


def test_job_script_activate_without_setup_warns():
    script = "#!/bin/bash\n#SBATCH --time=1\nmodule load conda\nconda activate ml\npython x.py\n"
    state = check_text(script, "job.sh", "script")
    assert any(m.startswith("4: conda activate in a script") for m in messages(state, "warning"))


@pytest.mark.parametrize(
    "setup",
    [
        'source "$(conda info --base)/etc/profile.d/conda.sh"',
        ". /opt/miniforge3/etc/profile.d/conda.sh",
        'eval "$(conda shell.bash hook)"',
    ],
)
def test_job_script_activate_after_setup_is_fine(setup):
    state = check_text(f"#!/bin/bash\n{setup}\nconda activate ml\n", "job.sh", "script")
    assert state.findings == []


def test_console_transcript_checks_only_prompt_lines():
    text = (
        "$ conda create -n ml python=3.11 -y\n"
        "Collecting package metadata: done --nonsense\n"
        "$ conda activate ml\n"
        "$ conda isntal numpy\n"
    )
    state = check_text(text, "x.console")
    assert messages(state, "error") == [
        "4: conda: invalid choice: 'isntal' is not a conda command (did you mean install or list?)"
    ]
    assert messages(state, "warning") == []  # a terminal: conda init has run


def test_continuation_lines_report_the_first_line():
    text = "#!/bin/bash\necho hi\nconda create -n ml \\\n    python=3.11 \\\n    --yess\n"
    state = check_text(text, "job.sh")
    assert [f.line for f in state.findings if f.level == "error"] == [3]


def test_unquoted_version_spec_is_a_redirection():
    state = check_text("conda install -y numpy>=1.26\n", "s.sh", "script")
    assert any("redirection" in m for m in messages(state, "error"))
    quoted = check_text('conda install -y "numpy>=1.26"\nconda env export > env.yml\n', "s.sh")
    assert messages(quoted, "error") == []


def test_deprecated_and_outdated_forms():
    text = (
        "source activate ml\n"
        "conda install -y tensorflow-gpu\n"
        "conda install -y cudatoolkit=10.1 -c defaults\n"
        "conda install -y pytorch torchvision -c pytorch\n"
        "conda init bash\n"
        "conda install numpy\n"
    )
    state = check_text(text, "old.sh", "script")
    errors, warnings = messages(state, "error"), messages(state, "warning")
    assert any(m.startswith("1: 'source activate'") for m in errors)
    assert any(m.startswith("2:") and "tensorflow-gpu" in m for m in errors)
    assert any(m.startswith("3:") and "CUDA 10" in m for m in warnings)
    assert any(m.startswith("3:") and "licence" in m for m in warnings)
    assert any(m.startswith("4:") and "PyTorch no longer publishes" in m for m in warnings)
    assert any(m.startswith("5:") and "conda init in a script" in m for m in warnings)
    assert any(m.startswith("6:") and "without -y" in m for m in warnings)


def test_shell_variables_in_specs_are_not_judged():
    state = check_text('conda create -y -n "$ENV" "python=${PYVER}"\n', "s.sh", "script")
    assert state.findings == []


def test_markdown_fenced_blocks():
    text = (
        "Some prose with `conda isntal` inline (not checked).\n\n"
        "```bash\nconda env create -f environment.yml\n```\n\n"
        "```console\n$ conda env lst\n```\n"
    )
    state = check_text(text, "page.md")
    assert messages(state, "error") == [
        "8: conda env: invalid choice: 'lst' (choose from "
        "config, create, export, list, remove, update, upload, "
        "attach)"
    ]


def test_environment_file():
    text = (
        "name: ml\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n"
        "  - python=3.11\n  - numpy=>1.26\n  - tensorflow-gpu\n  - pip\n  - pip:\n"
        "      - torch==2.13.0\n"
    )
    state = check_text(text, "environment.yml")
    assert any(m.startswith("7:") and "'=>'" in m for m in messages(state, "error"))
    assert any(m.startswith("8:") and "tensorflow-gpu" in m for m in messages(state, "error"))
    assert any(m.startswith("4:") and "licence" in m for m in messages(state, "warning"))


def test_placeholders_are_rendered():
    text = (
        "conda create -y -n ml -c {{ cluster.conda.channel }} python={{ cluster.python.version }}\n"
    )
    assert check_text(text, "s.sh", "script").findings == []


CHECK = command("check-conda")


def test_check_conda_command_line(tmp_path):
    bad = tmp_path / "job.sh"
    bad.write_text("#!/bin/bash\nconda create -n ml python=3.11 -y\nconda isntal six\n")
    done = subprocess.run([CHECK, str(bad)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{bad}:3: error: conda: invalid choice: 'isntal'")
    good = subprocess.run(
        [CHECK, "-c", "conda env export --no-builds"], capture_output=True, text=True
    )
    assert (good.returncode, good.stdout) == (0, "")
    strict = subprocess.run(
        [CHECK, "--strict", "--script", "-c", "conda activate ml"], capture_output=True, text=True
    )
    assert strict.returncode == 1 and "warning: conda activate in a script" in strict.stdout
    assert subprocess.run([CHECK, "--help"], capture_output=True).returncode == 0


def test_ignore_pragma():
    script = "source activate ml  # conda-check: ignore\nsource activate ml\n"
    assert [f.line for f in check_text(script, "s.sh", "script").findings] == [2]
    page = (
        "Wrong:\n\n<!-- conda-check: ignore -->\n```bash\nsource activate ml\n```\n\n"
        "```bash\nsource activate ml\n```\n"
    )
    assert [f.line for f in check_text(page, "p.md").findings] == [9]


def test_conda_behind_a_launcher():
    state = check_text(
        "srun -n 1 conda run -n ml python x.py\nsrun conda rnu x\n", "j.sh", "script"
    )
    assert messages(state, "error") == [
        "2: conda: invalid choice: 'rnu' is not a conda command (did you mean run?)"
    ]
