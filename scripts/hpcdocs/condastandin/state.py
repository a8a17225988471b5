"""Where the stand-in keeps things: its root, envs, condarc, pip cache."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from . import MARK

ROOT = Path(os.environ.get("CONDA_STANDIN_ROOT") or Path(__file__).resolve().parents[2] / "conda")
REPO = ROOT.parents[1]


class RefusalError(Exception):
    """Something the stand-in will not do; the message says why."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    print(f"{MARK} {message}", flush=True)


def note(message: str) -> None:
    print(f"{MARK} {message}", file=sys.stderr, flush=True)


def state_dir() -> Path:
    path = Path(os.environ.get("CONDA_STANDIN_STATE") or REPO / ".cache" / "testcluster" / "conda")
    path.mkdir(parents=True, exist_ok=True)
    return path


def condarc_path() -> Path:
    return Path(os.environ.get("CONDARC") or state_dir() / "condarc")


def load_condarc(path: Path | None = None) -> dict:
    path = path or condarc_path()
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise RefusalError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise RefusalError(f"{path}: a condarc must be a mapping of settings")
    return data


def save_condarc(data: dict, path: Path | None = None) -> None:
    path = path or condarc_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, default_flow_style=False, sort_keys=False))


def expand(path: str) -> Path:
    return Path(os.path.expandvars(os.path.expanduser(str(path))))


def envs_dirs() -> list[Path]:
    """Where named envs are looked for; new ones go in the first."""
    dirs = [expand(d) for d in load_condarc().get("envs_dirs") or []]
    env_var = os.environ.get("CONDA_ENVS_PATH") or os.environ.get("CONDA_ENVS_DIRS")
    if env_var:
        dirs += [expand(d) for d in env_var.split(os.pathsep) if d]
    else:
        dirs.append(state_dir() / "envs")
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def pip_cache() -> Path:
    pkgs = load_condarc().get("pkgs_dirs") or []
    base = expand(pkgs[0]) if pkgs else state_dir() / "pkgs"
    return base / "pip-cache"


def registry() -> Path:
    return state_dir() / "environments.txt"


def register(prefix: Path) -> None:
    known = registered()
    if prefix not in known:
        with registry().open("a") as out:
            out.write(f"{prefix}\n")


def registered() -> list[Path]:
    if not registry().exists():
        return []
    return [Path(line) for line in registry().read_text().splitlines() if line.strip()]


def is_env(prefix: Path) -> bool:
    return (prefix / "conda-meta" / "standin.json").exists()


def meta(prefix: Path) -> dict:
    return json.loads((prefix / "conda-meta" / "standin.json").read_text())


def save_meta(prefix: Path, data: dict) -> None:
    (prefix / "conda-meta").mkdir(parents=True, exist_ok=True)
    (prefix / "conda-meta" / "standin.json").write_text(json.dumps(data, indent=2) + "\n")


def all_envs() -> list[tuple[str, Path]]:
    """(name, prefix) of every known env, base first."""
    found: list[tuple[str, Path]] = [("base", ROOT)]
    for d in envs_dirs():
        if d.is_dir():
            for child in sorted(d.iterdir()):
                if is_env(child) and child not in [p for _, p in found]:
                    found.append((child.name, child))
    for prefix in registered():
        if is_env(prefix) and prefix not in [p for _, p in found]:
            found.append(("", prefix))
    return found


def find_env(name: str | None, prefix: str | None, must_exist: bool = True) -> tuple[str, Path]:
    """The env a -n NAME / -p PREFIX points at, or the active one."""
    if prefix:
        path = expand(prefix).resolve() if not Path(prefix).is_absolute() else expand(prefix)
        if must_exist and not is_env(path) and path != ROOT:
            raise RefusalError(f"EnvironmentLocationNotFound: Not a conda environment: {path}")
        return ("", path)
    if name:
        bad = [c for c in ("/", " ", ":", "#") if c in name]
        if bad:
            raise RefusalError(
                f"CondaValueError: Invalid environment name: {name!r}; characters "
                f"not allowed: {', '.join(repr(c) for c in bad)} (use -p for a path)"
            )
        if name in ("base", "root"):
            return ("base", ROOT)
        for d in envs_dirs():
            if is_env(d / name):
                return (name, d / name)
        if must_exist:
            raise RefusalError(
                f"EnvironmentNameNotFound: Could not find conda environment: {name}\n"
                "You can list all discoverable environments with `conda info --envs`."
            )
        return (name, envs_dirs()[0] / name)
    active = os.environ.get("CONDA_PREFIX")
    if active:
        return (os.environ.get("CONDA_DEFAULT_ENV", ""), Path(active))
    return ("base", ROOT)


def env_name(prefix: Path) -> str:
    if prefix == ROOT:
        return "base"
    if prefix.parent in envs_dirs():
        return prefix.name
    return str(prefix)
