"""Environments: create, install into, remove, list and export them."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import specs as specmod
from .state import (
    ROOT,
    RefusalError,
    envs_dirs,
    is_env,
    meta,
    note,
    pip_cache,
    register,
    save_meta,
    say,
)


@contextlib.contextmanager
def locked(prefix: Path):
    """One stand-in at a time per env (job arrays may create the same env)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    lock = prefix.parent / f".{prefix.name}.standin-lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env["PIP_CACHE_DIR"] = str(pip_cache())
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def constraints_file() -> Path:
    """torch==2.13.0 for every pip run, so nothing can pull in another torch."""
    path = pip_cache().parent / "standin-constraints.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"torch=={specmod.TORCH_VERSION}"]
    system = Path("/etc/xdg/pip/constraints.txt")
    if system.exists():
        lines += [
            ln
            for ln in system.read_text().splitlines()
            if ln.strip()
            and not ln.startswith("#")
            and not ln.startswith("torch<")
            and not ln.startswith("torch>")
            and not ln.startswith("torch=")
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def pip_install(prefix: Path, requirements: list[str], quiet: bool, extra: list[str] = ()) -> None:
    if not requirements:
        return
    command = [
        str(prefix / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--progress-bar",
        "off",
        "-c",
        str(constraints_file()),
        *extra,
        *requirements,
    ]
    if quiet:
        command.insert(4, "-q")
    say("pip install " + " ".join(requirements) + f"  (into {prefix})")
    done = subprocess.run(command, env=clean_env(), stdout=sys.stdout, stderr=sys.stderr)
    if done.returncode:
        raise RefusalError(
            f"pip could not install {' '.join(requirements)} (exit {done.returncode});"
            " the stand-in maps conda packages to PyPI and this one did not map",
            code=done.returncode,
        )


def installed(prefix: Path) -> dict[str, str]:
    """name -> version of what pip sees in the env."""
    done = subprocess.run(
        [str(prefix / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RefusalError(f"pip list failed in {prefix}: {done.stderr.strip()}")
    return {p["name"]: p["version"] for p in json.loads(done.stdout)}


def spec_hash(python: str, requirements: list[str], pip_lines: list[str]) -> str:
    text = json.dumps([python, sorted(requirements), list(pip_lines)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def create(
    prefix: Path,
    spec_texts: list[str],
    channels: list[str],
    pip_lines: list[str],
    yes: bool,
    quiet: bool,
    dry_run: bool,
    what: str = "create",
) -> None:
    """Make (or reuse) an env for these specs."""
    plan = specmod.plan(spec_texts)
    for message in plan.notes:
        note(message)
    pip_lines = [specmod.check_pip_requirement(line) for line in pip_lines]
    version, interpreter = specmod.choose_python(plan.python)
    if plan.python is None:
        note(
            f"no python= given: using Python {version} (real conda would pick the newest "
            "Python its solver allows)"
        )
    wants_torch = any(r.startswith("torch==") for r in plan.requirements + pip_lines)
    if wants_torch and not specmod.torch_wheel_ok(version):
        raise RefusalError(
            f"torch {specmod.TORCH_VERSION} is on this machine for Python 3.11 only; "
            f"this env would have Python {version}"
        )
    digest = spec_hash(version, plan.requirements, pip_lines)
    if dry_run:
        say(
            f"dry run: would make {prefix} with Python {version} and pip install "
            + (" ".join(plan.requirements + pip_lines) or "nothing")
        )
        return
    with locked(prefix):
        if is_env(prefix):
            old = meta(prefix)
            if old.get("create_hash") == digest:
                say(
                    f"environment {prefix} already exists with the same specs: reusing it "
                    "(real conda would offer to remove and recreate it)"
                )
                _activate_hint(prefix)
                return
            if not yes:
                raise RefusalError(
                    f"a conda environment already exists at {prefix} with other specs;"
                    " add -y to replace it (real conda asks 'Remove existing "
                    "environment?')"
                )
            say(f"replacing the environment at {prefix} (its specs changed)")
            shutil.rmtree(prefix)
        elif prefix.exists() and any(prefix.iterdir()):
            raise RefusalError(f"{prefix} exists and is not a conda environment; not touching it")
        if not yes and what == "create":
            note("real conda would ask 'Proceed ([y]/n)?' here; pass -y in scripts")
        say(f"creating {prefix} with Python {version} ({interpreter})")
        made = subprocess.run([str(interpreter), "-m", "venv", str(prefix)], env=clean_env())
        if made.returncode:
            raise RefusalError(f"python -m venv failed for {prefix}")
        try:
            save_meta(
                prefix,
                {
                    "standin": True,
                    "python": version,
                    "create_specs": spec_texts,
                    "channels": channels,
                    "pip": pip_lines,
                    "history": [s for s in spec_texts],
                    "create_hash": "incomplete",
                    "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                },
            )
            pip_install(prefix, plan.requirements, quiet)
            pip_install(prefix, pip_lines, quiet)
        except BaseException:
            note(f"{what} failed: removing the half-made environment {prefix}")
            shutil.rmtree(prefix, ignore_errors=True)
            raise
        data = meta(prefix)
        data["create_hash"] = digest
        data["conda_names"] = plan.conda_names
        data["managed"] = sorted(_conda_managed(prefix, pip_lines))
        save_meta(prefix, data)
    if prefix.parent not in envs_dirs():
        register(prefix)
    say("done")
    _activate_hint(prefix)


def _activate_hint(prefix: Path) -> None:
    """What real conda prints after creating an environment."""
    print(
        "#\n# To activate this environment, use\n#\n"
        f"#     $ conda activate {prefix.name if prefix.parent in envs_dirs() else prefix}\n"
        "#\n# To deactivate an active environment, use\n#\n#     $ conda deactivate\n"
    )


def _conda_managed(prefix: Path, pip_lines: list[str]) -> set[str]:
    """Installed distributions, less those the environment file's pip: list asked for.

    env export lists the first as conda dependencies and the rest under pip:.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    asked = set()
    for line in pip_lines:
        try:
            asked.add(specmod.conda_name(Requirement(line).name))
        except InvalidRequirement:
            continue
    return {n for n in installed(prefix) if specmod.conda_name(n) not in asked}


def install(
    prefix: Path,
    spec_texts: list[str],
    yes: bool,
    quiet: bool,
    dry_run: bool,
    extra: list[str],
    pip_lines: list[str] = (),
) -> None:
    if prefix == ROOT:
        raise RefusalError(
            "the stand-in's base environment holds only conda: create an environment "
            "(conda create -n NAME ...) and install into it"
        )
    plan = specmod.plan(spec_texts)
    for message in plan.notes:
        note(message)
    data = meta(prefix)
    if plan.python and not specmod.matchspec.VersionSpec(plan.python).matches(data["python"]):
        raise RefusalError(
            f"this environment has Python {data['python']}; the stand-in cannot change "
            "an environment's Python (create a new one)"
        )
    pip_lines = [specmod.check_pip_requirement(line) for line in pip_lines]
    wants_torch = any(r.startswith("torch==") for r in plan.requirements + pip_lines)
    if wants_torch and not specmod.torch_wheel_ok(data["python"]):
        raise RefusalError(f"torch {specmod.TORCH_VERSION} is on this machine for Python 3.11 only")
    if dry_run:
        say("dry run: would pip install " + (" ".join(plan.requirements) or "nothing"))
        return
    if not yes:
        note("real conda would ask 'Proceed ([y]/n)?' here; pass -y in scripts")
    with locked(prefix):
        pip_install(prefix, plan.requirements, quiet, extra)
        pip_install(prefix, pip_lines, quiet)
        data = meta(prefix)
        data["history"] = data.get("history", []) + spec_texts
        data.setdefault("conda_names", {}).update(plan.conda_names)
        data["pip"] = data.get("pip", []) + [
            ln for ln in pip_lines if ln not in data.get("pip", [])
        ]
        data["managed"] = sorted(set(data.get("managed", [])) | _conda_managed(prefix, pip_lines))
        save_meta(prefix, data)
    say("done")


def uninstall(prefix: Path, names: list[str], quiet: bool) -> None:
    pypi = [specmod.pypi_name(specmod.matchspec.parse(n).name) for n in names]
    command = [str(prefix / "bin" / "python"), "-m", "pip", "uninstall", "-y", *pypi]
    if quiet:
        command.insert(4, "-q")
    say("pip uninstall " + " ".join(pypi))
    if subprocess.run(command, env=clean_env()).returncode:
        raise RefusalError("pip uninstall failed")


def remove_env(prefix: Path, yes: bool) -> None:
    if prefix == ROOT:
        raise RefusalError("cannot remove the base environment")
    if os.environ.get("CONDA_PREFIX") == str(prefix):
        raise RefusalError(
            "CondaEnvironmentError: cannot remove current environment. "
            "deactivate and run conda remove again"
        )
    if not is_env(prefix):
        raise RefusalError(f"EnvironmentLocationNotFound: Not a conda environment: {prefix}")
    if not yes:
        note("real conda would ask 'Proceed ([y]/n)?' here; pass -y in scripts")
    with locked(prefix):
        shutil.rmtree(prefix)
    say(f"removed the environment {prefix}")


def export(
    prefix: Path,
    name: str,
    from_history: bool,
    extra_channels: list[str],
    override_channels: bool,
    ignore_channels: bool,
) -> str:
    """environment.yml text in conda's format."""
    data = meta(prefix)
    channels = list(extra_channels) + ([] if override_channels else data.get("channels") or [])
    if not channels and not ignore_channels:
        channels = ["conda-forge"]
    deps: list = []
    if from_history:
        history = data.get("history", [])
        if not any(specmod.matchspec.parse(s).name == "python" for s in history):
            deps.append(f"python={data['python'].rsplit('.', 1)[0]}")
        deps += [s for s in history if s not in deps]
    else:
        packages = installed(prefix)
        managed = set(data.get("managed", []))
        deps.append(f"python={data['python']}")
        pip_only = []
        for dist, version in sorted(packages.items(), key=lambda kv: kv[0].lower()):
            if dist in managed:
                deps.append(f"{specmod.conda_name(dist)}={version}")
            else:
                pip_only.append(f"{dist}=={version}")
        if pip_only:
            deps.append({"pip": pip_only})
    out = {
        "name": name or prefix.name,
        "channels": channels,
        "dependencies": deps,
        "prefix": str(prefix),
    }
    return yaml.dump(out, Dumper=IndentedDumper, default_flow_style=False, sort_keys=False)


class IndentedDumper(yaml.SafeDumper):
    """Indent lists under their key, as conda's own export does."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def read_environment_file(path: Path) -> dict:
    """name, channels, conda specs and pip lines of an environment.yml."""
    if not path.exists():
        raise RefusalError(f"EnvironmentFileNotFound: '{path}' file not found")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise RefusalError(f"{path}: not valid YAML: {err}", code=2) from None
    if not isinstance(data, dict):
        raise RefusalError(
            f"{path}: an environment file is a mapping (name, channels, dependencies)"
        )
    conda_specs, pip_lines = [], []
    for dep in data.get("dependencies") or []:
        if isinstance(dep, dict):
            if set(dep) != {"pip"} or not isinstance(dep["pip"], list):
                raise RefusalError(
                    f"{path}: a dependency mapping must be 'pip:' with a list", code=2
                )
            pip_lines += [str(x) for x in dep["pip"]]
        else:
            conda_specs.append(str(dep))
    return {
        "name": data.get("name"),
        "prefix": data.get("prefix"),
        "channels": [str(c) for c in data.get("channels") or []],
        "specs": conda_specs,
        "pip": pip_lines,
    }
