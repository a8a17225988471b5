"""conda match specs -> an interpreter and pip requirements.

conda names map to PyPI names (pytorch -> torch); conda versions map to pip
specifiers (numpy=1.26 -> numpy==1.26.*); what has no PyPI meaning here
(CUDA toolkits, build strings, channels) is refused or noted.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from hpcdocs.condagrammar import matchspec

from .state import RefusalError

TORCH_VERSION = "2.13.0"

# conda-forge name -> PyPI name, where they differ.
PYPI_NAMES = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "matplotlib-base": "matplotlib",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "pytables": "tables",
    "msgpack-python": "msgpack",
    "python-graphviz": "graphviz",
    "pyqt": "pyqt5",
    "ipython_genutils": "ipython-genutils",
}
# The venv provides these.
PROVIDED = {"python", "pip", "setuptools", "wheel"}
UNAVAILABLE = {
    "cudatoolkit": "the CUDA toolkit comes from conda channels only",
    "cuda-toolkit": "the CUDA toolkit comes from conda channels only",
    "cuda": "the CUDA toolkit comes from conda channels only",
    "cuda-version": "CUDA packages come from conda channels only",
    "cuda-nvcc": "CUDA packages come from conda channels only",
    "cuda-runtime": "CUDA packages come from conda channels only",
    "cudnn": "cuDNN comes from conda channels only",
    "nccl": "NCCL comes from conda channels only",
    "pytorch-cuda": "pytorch-cuda is a metapackage of PyTorch's retired conda channel",
    "tensorflow-gpu": "tensorflow-gpu is retired (no release after 2.12): use tensorflow",
    "mkl": "MKL comes from conda channels only",
}
NOTED_NO_OP = {
    "cpuonly": "cpuonly selects a CPU build of pytorch; the stand-in's torch is a CPU build already",
}


@dataclass
class Plan:
    """What a list of conda specs comes to."""

    python: str | None = None  # version spec for python, conda syntax
    requirements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conda_names: dict[str, str] = field(default_factory=dict)  # pypi name -> conda name


def pypi_name(conda_name: str) -> str:
    return PYPI_NAMES.get(conda_name, conda_name)


def conda_name(pypi: str) -> str:
    """The conda name for an installed PyPI distribution."""
    canonical = re.sub(r"[-_.]+", "-", pypi).lower()
    for conda, pip in PYPI_NAMES.items():
        if pip == canonical and conda in ("pytorch", "py-opencv", "pytables"):
            return conda
    return canonical


def _pip_specifier(spec: matchspec.MatchSpec) -> str:
    version = spec.version_spec()
    if version is None:
        return ""
    try:
        leaves = version.leaves()
    except matchspec.MatchSpecError:
        raise RefusalError(
            f"'{spec.text}': '|' (or) has no pip equivalent; the stand-in cannot "
            "install it (write one version range)"
        ) from None
    parts = []
    for kind, value in leaves:
        if kind == "any":
            continue
        if kind == "startswith":
            parts.append(f"=={value}.*")
        elif kind == "not-startswith":
            parts.append(f"!={value}.*")
        else:
            parts.append(f"{kind}{value}")
    return ",".join(parts)


def torch_requirement(spec_text: str, version: matchspec.VersionSpec | None) -> str:
    if version is None or version.matches(TORCH_VERSION):
        return f"torch=={TORCH_VERSION}"
    raise RefusalError(
        f"'{spec_text}': only torch {TORCH_VERSION} can be installed on the test "
        f"machine (a CPU build on local disk; any other torch is a multi-GB download)"
    )


def plan(spec_texts: list[str]) -> Plan:
    """Translate conda specs; raise RefusalError for anything the stand-in cannot honour."""
    result = Plan()
    for text in spec_texts:
        try:
            spec = matchspec.parse(text)
        except matchspec.MatchSpecError as err:
            raise RefusalError(f"InvalidMatchSpec: {err}", code=2) from None
        if spec.name in UNAVAILABLE:
            raise RefusalError(
                f"'{text}' is not available here: {UNAVAILABLE[spec.name]}; the "
                "stand-in installs from PyPI and the test cluster has no GPU"
            )
        if spec.name in NOTED_NO_OP:
            result.notes.append(f"{spec.name}: {NOTED_NO_OP[spec.name]}; skipped")
            continue
        if spec.channel:
            result.notes.append(
                f"{text}: channel '{spec.channel}' ignored (packages come from PyPI)"
            )
        if spec.build:
            result.notes.append(f"{text}: build string '{spec.build}' ignored (PyPI has none)")
        if spec.name == "python":
            result.python = spec.version or None
            continue
        if spec.name in PROVIDED:
            result.notes.append(f"{spec.name}: provided by the venv; not installed separately")
            continue
        name = pypi_name(spec.name)
        if name == "torch":
            requirement = torch_requirement(text, spec.version_spec())
        else:
            requirement = name + _pip_specifier(spec)
        if name != spec.name:
            result.notes.append(f"{spec.name} -> {requirement} from PyPI")
        result.requirements.append(requirement)
        result.conda_names[name] = spec.name
    return result


def check_pip_requirement(line: str) -> str:
    """A line of an environment file's pip: list, checked for the torch rule."""
    from packaging.requirements import InvalidRequirement, Requirement

    stripped = line.strip()
    if stripped.startswith("-") or "://" in stripped or stripped.startswith((".", "/")):
        return stripped
    try:
        req = Requirement(stripped)
    except InvalidRequirement as err:
        raise RefusalError(f"pip requirement '{stripped}': {err}", code=2) from None
    if re.sub(r"[-_.]+", "-", req.name).lower() == "torch":
        if req.specifier and not req.specifier.contains(TORCH_VERSION, prereleases=True):
            raise RefusalError(
                f"pip requirement '{stripped}': only torch {TORCH_VERSION} can be "
                "installed on the test machine"
            )
        return f"torch=={TORCH_VERSION}"
    return stripped


# ---------------------------------------------------------------- interpreters


def interpreters() -> dict[str, Path]:
    """Available Pythons (3.8 to 3.13) by full version, from pyenv."""
    root = Path(
        os.environ.get("CONDA_STANDIN_PYTHONS")
        or Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"
    )
    found = {}
    for path in sorted(root.glob("3.*")):
        match = re.fullmatch(r"3\.(\d+)\.\d+", path.name)
        if match and 8 <= int(match.group(1)) <= 13 and (path / "bin" / "python3").exists():
            found[path.name] = path / "bin" / "python3"
    return found


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def choose_python(spec: str | None) -> tuple[str, Path]:
    """The newest available interpreter a python version spec allows."""
    available = interpreters()
    if not available:
        raise RefusalError("no Python interpreters found under pyenv's versions directory")
    if spec is None:
        wanted = os.environ.get("CONDA_STANDIN_DEFAULT_PYTHON", "3.11")
        spec_obj = matchspec.VersionSpec(wanted + ".*")
    else:
        spec_obj = matchspec.VersionSpec(spec)
    matching = sorted((v for v in available if spec_obj.matches(v)), key=_key)
    if not matching:
        versions = ", ".join(sorted({v.rsplit(".", 1)[0] for v in available}, key=_key))
        shown = spec.removesuffix(".*") if spec else spec
        raise RefusalError(
            f"python={shown} is not available here: the stand-in has Python {versions}"
        )
    return matching[-1], available[matching[-1]]


def torch_wheel_ok(python_version: str) -> bool:
    """False when local torch wheels exist but none for this Python."""
    tag = "cp" + "".join(python_version.split(".")[:2])
    dirs = (os.environ.get("PIP_FIND_LINKS") or "/opt/wheels").split()
    wheels = [w for d in dirs for w in glob.glob(os.path.join(d, f"torch-{TORCH_VERSION}*.whl"))]
    return not wheels or any(f"-{tag}-" in os.path.basename(w) for w in wheels)
