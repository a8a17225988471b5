"""The stand-in `conda`, end to end: a real venv with python=3.11 and six, used like conda."""

import os
import subprocess

import pytest
from hpcdocs import ROOT
from hpcdocs.condastandin import MARK, NOTICE

BIN = ROOT / "scripts" / "conda" / "bin"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """An environment for the stand-in with its own state, envs and condarc."""
    state = tmp_path_factory.mktemp("conda-standin")
    variables = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONDA", "_CE_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    variables.update(
        PATH=f"{BIN}:{os.environ['PATH']}",
        CONDA_STANDIN_STATE=str(state),
        CONDA_ENVS_PATH=str(state / "envs"),
    )
    return variables


def bash(script: str, env: dict, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-ec", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def in_t311(script: str, env: dict) -> subprocess.CompletedProcess:
    """Run SCRIPT after `eval "$(conda shell.bash hook)"` and `conda activate t311`; it
    must succeed."""
    done = bash(f'eval "$(conda shell.bash hook)"\nconda activate t311\n{script}', env)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def created(env):
    done = bash("conda create -n t311 -y python=3.11 six -c conda-forge", env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_create_makes_a_venv_and_says_it_is_a_stand_in(created, env):
    assert NOTICE in created.stderr
    assert f"{MARK} creating" in created.stdout and "Python 3.11" in created.stdout
    assert "conda activate t311" in created.stdout
    prefix = os.path.join(env["CONDA_ENVS_PATH"], "t311")
    assert os.path.exists(os.path.join(prefix, "conda-meta", "standin.json"))


def test_activate_through_conda_sh(created, env):
    done = bash(
        'source "$(conda info --base)/etc/profile.d/conda.sh"\n'
        "conda activate t311\n"
        'python -c "import six, sys; print(sys.version_info[:2], six.__name__)"\n'
        'echo "env=$CONDA_DEFAULT_ENV"\n'
        "conda deactivate\n"
        'echo "after=${CONDA_DEFAULT_ENV:-none}"',
        env,
    )
    assert done.returncode == 0, done.stderr
    assert "(3, 11) six" in done.stdout and "env=t311" in done.stdout
    assert "after=none" in done.stdout


def test_the_stand_in_says_so_once_per_command(created, env):
    done = in_t311("conda shell.posix reactivate >/dev/null\nconda deactivate", env)
    # hook, activate, deactivate: three; reactivate follows an install, which said it.
    assert done.stderr.count(NOTICE) == 3, done.stderr


def test_activate_through_the_files_path_without_conda_on_path(created, env):
    bare = {**env, "PATH": env["PATH"].replace(f"{BIN}:", "")}
    done = bash(
        "source scripts/conda/etc/profile.d/conda.sh\nconda activate t311\ncommand -v python conda",
        bare,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"{env['CONDA_ENVS_PATH']}/t311/bin/python", "conda"]


def test_activate_through_shell_hook(created, env):
    done = in_t311('python -c "import sys; print(sys.prefix)"', env)
    assert done.stdout.strip().endswith("/envs/t311")


def test_activate_without_shell_function_fails_like_conda(created, env):
    done = bash("conda activate t311", env)
    assert done.returncode == 1
    assert f"{MARK} CondaError: Run 'conda init' before 'conda activate'" in done.stderr


def test_activate_unknown_env_stops_the_script(created, env):
    done = bash('eval "$(conda shell.bash hook)"\nconda activate nosuchenv\necho reached', env)
    assert done.returncode == 1 and "reached" not in done.stdout
    assert "Could not find conda environment: nosuchenv" in done.stderr


def test_recreate_same_spec_is_reused(created, env):
    done = bash("conda create -n t311 -y python=3.11 six -c conda-forge", env)
    assert done.returncode == 0 and "reusing it" in done.stdout


def test_recreate_other_spec_without_yes_stops(created, env):
    done = bash("conda create -n t311 python=3.11 six packaging", env)
    assert done.returncode == 1 and "add -y to replace it" in done.stderr


def test_env_list_and_info(created, env):
    listing = bash("conda env list; conda info --envs", env)
    rows = [line for line in listing.stdout.splitlines() if line.startswith("t311 ")]
    assert len(rows) == 2 and "# conda environments:" in listing.stdout
    base = bash("conda info --base", env)
    assert base.stdout.strip() == str(ROOT / "scripts" / "conda")


def test_list_and_run(created, env):
    done = bash(
        "conda list -n t311 '^six$'\nconda run -n t311 python -c 'import six; print(6)'", env
    )
    assert done.returncode == 0, done.stderr
    assert "six " in done.stdout and "pypi" in done.stdout and done.stdout.rstrip().endswith("6")


def test_export_and_recreate(created, env, tmp_path):
    done = bash(
        "conda env export -n t311 --no-builds > environment.yml\n"
        "sed -i 's/^name: t311/name: t311copy/' environment.yml\n"
        "conda env create -f environment.yml\n"
        "conda env export -n t311 --from-history",
        env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    exported = (tmp_path / "environment.yml").read_text()
    assert exported.startswith("name: t311copy\nchannels:\n  - conda-forge\ndependencies:\n")
    assert "  - python=3.11." in exported and "  - six=" in exported
    assert "dependencies:\n  - python=3.11\n  - six\n" in done.stdout  # --from-history
    copy = os.path.join(env["CONDA_ENVS_PATH"], "t311copy")
    assert os.path.exists(os.path.join(copy, "bin", "python"))
    removed = bash("conda env remove -n t311copy -y", env)
    assert removed.returncode == 0 and not os.path.exists(copy)


def test_pip_section_in_environment_file(created, env, tmp_path):
    (tmp_path / "environment.yml").write_text(
        "name: withpip\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n"
        "  - pip:\n      - six\n"
    )
    done = bash("conda env create -f environment.yml -n withpip --dry-run", env, cwd=tmp_path)
    assert done.returncode == 0 and "pip install six" in done.stdout


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("conda install -n t311 -y cudatoolkit=11.8", "not available here"),
        ("conda create -n gpu -y python=3.11 pytorch pytorch-cuda=12.1", "not available here"),
        ("conda install -n t311 -y pytorch=2.5", "only torch 2.13.0"),
        ("conda search numpy", "does not implement it"),
        ("conda create -n old -y python=3.99", "python=3.99 is not available here"),
        ("conda create -n x -y --clone t311", "does not implement that option"),
        ("SLURM_JOB_ID=7 conda init bash", "refused in a batch job"),
        ("conda isntal six", "invalid choice: 'isntal'"),
        ("conda create -n bad -y 'numpy=>1.2'", "'=>' is not an operator"),
    ],
)
def test_refusals_are_clear(created, env, command, message):
    done = bash(command, env)
    assert done.returncode != 0
    assert message in done.stderr
    own = [line for line in done.stderr.splitlines() if line.startswith("conda")]
    assert own and all(line.startswith(MARK) for line in own)


def test_config_and_clean(created, env):
    done = bash(
        "conda config --add channels conda-forge\n"
        "conda config --set channel_priority strict\n"
        "conda config --show channels channel_priority\n"
        "conda clean -a -y",
        env,
    )
    assert done.returncode == 0, done.stderr
    assert "channel_priority: strict\nchannels:\n- conda-forge\n" in done.stdout
    assert "removed the stand-in's pip cache" in done.stdout
    bad = bash("conda config --set channel_priority sometimes", env)
    assert bad.returncode == 1 and "not a valid value" in bad.stderr


def test_envs_dirs_from_condarc(created, env, tmp_path):
    mine = tmp_path / "work-envs"
    done = bash(
        f"conda config --prepend envs_dirs {mine}\n"
        "conda create -n small -y python=3.11 --dry-run\n"
        f"conda config --remove envs_dirs {mine}",
        env,
    )
    assert done.returncode == 0, done.stderr
    assert f"would make {mine}/small" in done.stdout


def test_env_update_adds_a_pip_section(created, env, tmp_path):
    (tmp_path / "update.yml").write_text(
        "name: t311\ndependencies:\n  - six\n  - pip\n  - pip:\n      - packaging\n"
    )
    done = bash("conda env update -f update.yml\nconda env export -n t311", env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\n  - pip:\n      - packaging==" in done.stdout
    pruned = bash("conda env update -f update.yml --prune", env, cwd=tmp_path)
    assert pruned.returncode == 1 and "does not implement that option" in pruned.stderr


def test_init_adds_the_hook_block_to_bashrc_once_and_reverse_takes_it_out(env, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text('alias ll="ls -l"\n')
    mine = dict(env, HOME=str(home))
    first = bash("conda init bash", mine)
    assert first.returncode == 0, first.stderr
    assert f"modified      {home}/.bashrc" in first.stdout
    assert "close and re-open your current shell" in first.stdout
    text = (home / ".bashrc").read_text()
    assert text.startswith('alias ll="ls -l"\n# >>> conda initialize >>>\n')
    assert f"'{BIN / 'conda'}' 'shell.bash' 'hook'" in text
    again = bash("conda init bash && conda init --dry-run bash", mine)
    assert again.stdout.count(f"no change     {home}/.bashrc") == 2, again.stdout
    assert (home / ".bashrc").read_text() == text
    # A new interactive shell (no conda on PATH) gets the function from the block.
    bare = dict(mine, PATH="/usr/bin:/bin")
    shell = subprocess.run(["bash", "-ic", "type -t conda; conda activate base; echo $CONDA_DEFAULT_ENV"],
                           env=bare, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=120)  # fmt: skip
    assert shell.stdout.split()[:2] == ["function", "base"], shell.stdout + shell.stderr
    undone = bash("conda init --reverse bash", mine)
    assert f"modified      {home}/.bashrc" in undone.stdout
    assert (home / ".bashrc").read_text() == 'alias ll="ls -l"\n'
