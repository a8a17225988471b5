"""The schema of cluster.yml: every key, its type, its default and what it means.

One schema for every user of the facts: the site's hooks, the test cluster,
the job-script lint, the LSF layer and the job-script generator all get the
facts through ``hpcdocs.facts.load()``, which checks them here. The facts
reference page (docs/*/facts.md) is generated from these models, so it
cannot drift from what is checked.

What each key means, in English and Chinese, is in facts_texts.yml beside
this file: the reference page's text, kept apart from what is checked here.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hpcdocs.slurmspec import slurm_minutes


class Section(BaseModel):
    # strict: YAML already gives true/false and numbers; "yes" is not a bool, "8" not an int.
    model_config = ConfigDict(extra="forbid", strict=True)


def _slurm_time(value: str) -> str:
    if slurm_minutes(value) is None:
        raise ValueError(
            f"{value!r} is not a Slurm time (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S or UNLIMITED)"
        )
    return value


class Text(Section):
    """A text given per language."""

    zh: str
    en: str


class Partition(Section):
    name: str
    default: bool = False
    node_prefix: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    nodes: int | None = Field(default=None, ge=1)
    shares_nodes_with: str | None = None
    cpus_per_node: int | None = Field(default=None, ge=1)
    memory_mb_per_node: int | None = Field(default=None, ge=1)
    gpu_type: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")
    gpus_per_node: int = Field(default=0, ge=0)
    max_time: str = "UNLIMITED"
    default_time: str | None = None

    @field_validator("max_time", "default_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        return value if value is None else _slurm_time(value)

    @model_validator(mode="after")
    def _default_time(self):
        if self.default_time is None:
            self.default_time = self.max_time
        return self


class Account(Section):
    name: str
    description: str | None = None
    max_cpus: int | None = Field(default=None, ge=1)


class Qos(Section):
    name: str
    max_jobs_per_user: int | None = Field(default=None, ge=1)


class Conda(Section):
    root: str
    channel: str = "conda-forge"
    envs_dir: str
    pkgs_dir: str
    envs: list[str] = Field(default=["torch", "tf", "sci"], min_length=1)


class Python(Section):
    version: str = Field(pattern=r"^3\.\d+$")
    pip_mirror: str = Field(default="", pattern=r"^(https?://\S+)?$")


class StorageArea(Section):
    env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    path: str
    quota: str
    backed_up: bool
    quota_command: str
    purge_days: int | None = Field(default=None, ge=1)

    @field_validator("quota_command")
    @classmethod
    def _one_command(cls, value: str) -> str:
        if "|" in value or not value.strip():
            raise ValueError("must be one command without `|` (it is shown in a table cell)")
        return value


class Lsf(Section):
    unit_for_limits: str
    reserve_per_task: bool
    job_memlimit: bool

    @field_validator("unit_for_limits")
    @classmethod
    def _unit(cls, value: str) -> str:
        units = ("KB", "MB", "GB", "TB", "PB", "EB", "ZB")
        if value.upper() not in units:
            raise ValueError(f"{value!r} is not one of {', '.join(units)}")
        return value


class Site(Section):
    issues_url: str

    @field_validator("issues_url")
    @classmethod
    def _issues(cls, value: str) -> str:
        if not re.fullmatch(r"https://[^\s?#]+/issues/?", value):
            raise ValueError(
                f"{value!r} must be the https address of the repository's issues, "
                "ending in /issues, without ?query or #fragment"
            )
        return value


class Ci(Section):
    account: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")
    partition: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")


class TestCluster(Section):
    max_nodes_per_partition: int = Field(default=2, ge=1)
    subnet: str = "127.0.77.0/24"

    @field_validator("subnet")
    @classmethod
    def _loopback(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        if not net.is_loopback:
            raise ValueError(f"{value} is not a loopback subnet")
        if net.num_addresses < 32:
            raise ValueError(f"{value} is too small (at least a /27)")
        return value


class Facts(Section):
    """cluster.yml."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    display_name: Text
    login_host: str = Field(pattern=r"^[A-Za-z0-9.-]+$")
    two_factor: bool = False
    scheduler: Literal["slurm", "lsf"] = "slurm"
    slurm_version: str | None = Field(default=None, pattern=r"^\d+\.\d+$")
    default_account: str = "users"
    accounts: dict[str, Account] = Field(default_factory=dict)
    qos: dict[str, str | Qos] = Field(default_factory=lambda: {"default": "normal"})
    partitions: dict[str, Partition] = Field(min_length=1)
    modules: dict[str, str]
    conda: Conda
    open_ondemand: str = Field(default="", pattern=r"^(https://\S+)?$")
    cuda_version: str = Field(pattern=r"^\d+\.\d+$")
    nvidia_driver: str = Field(pattern=r"^\d+(\.\d+)*$")
    python: Python
    storage: dict[str, StorageArea] = Field(min_length=1)
    lsf: Lsf | None = None
    site: Site
    ci: Ci = Field(default_factory=Ci)
    testcluster: TestCluster = Field(default_factory=TestCluster)

    @field_validator("qos")
    @classmethod
    def _qos(cls, value: dict) -> dict:
        for role, entry in value.items():
            if (role == "default") != isinstance(entry, str):
                raise ValueError(
                    "`default` is the name of the default QOS; every other entry is a mapping "
                    f"with name (and max_jobs_per_user): {role}: {entry!r}"
                )
        value.setdefault("default", "normal")
        return value

    @model_validator(mode="after")
    def _ci_defaults(self):
        if self.ci.account is None:
            self.ci.account = self.default_account
        if self.ci.partition is None:
            default = [p.name for p in self.partitions.values() if p.default]
            self.ci.partition = default[0] if len(default) == 1 else None
        return self

    @field_validator("modules")
    @classmethod
    def _conda_module(cls, value: dict[str, str]) -> dict[str, str]:
        if "conda" not in value:
            raise ValueError("needs a `conda` entry: the module that puts conda on PATH")
        return value


def _partition_problems(p: dict) -> list[str]:
    found = []
    if "shares_nodes_with" not in p:
        need = ("node_prefix", "nodes", "cpus_per_node", "memory_mb_per_node")
        missing = [k for k in need if k not in p]
        if missing:
            found.append(
                f"a partition with nodes of its own needs {', '.join(missing)} "
                "(or shares_nodes_with: ROLE)"
            )
    elif "nodes" in p:
        found.append("nodes and shares_nodes_with together: give one of them")
    if p.get("gpus_per_node") and not p.get("gpu_type"):
        found.append("gpus_per_node without gpu_type")
    if p.get("gpu_type") and not p.get("gpus_per_node"):
        found.append("gpu_type without gpus_per_node")
    longest = slurm_minutes(str(p.get("max_time", "UNLIMITED")))
    default = slurm_minutes(str(p.get("default_time", p.get("max_time", "UNLIMITED"))))
    if longest is not None and default is not None and default > longest:
        found.append(
            f"default_time {p.get('default_time')} is longer than max_time {p.get('max_time')}"
        )
    return found


def cross_problems(facts: dict) -> list[tuple[tuple, str]]:
    """Problems between keys, each as (location, message); [] if none.

    Works on the raw mapping, so that they are reported together with the
    problems of single keys.
    """
    found = []
    parts = facts.get("partitions")
    if not isinstance(parts, dict):
        return found
    parts = {r: p for r, p in parts.items() if isinstance(p, dict)}
    defaults = [role for role, p in parts.items() if p.get("default") is True]
    if len(defaults) != 1:
        found.append(
            (
                ("partitions",),
                "exactly one partition needs `default: true` "
                f"(found {len(defaults)}: {', '.join(defaults) or 'none'})",
            )
        )
    for role, p in parts.items():
        found += [(("partitions", role), m) for m in _partition_problems(p)]
    own = [r for r, p in parts.items() if "shares_nodes_with" not in p]
    for role, p in parts.items():
        owner = p.get("shares_nodes_with")
        if owner is not None and owner not in own:
            found.append(
                (
                    ("partitions", role, "shares_nodes_with"),
                    f"{owner!r} is not a partition with nodes of its own ({', '.join(own)})",
                )
            )
    names = [p.get("name") for p in parts.values()]
    for role, p in parts.items():
        if p.get("name") is not None and names.count(p["name"]) > 1:
            found.append((("partitions", role, "name"), f"two partitions are called {p['name']!r}"))
    return found


def section_of(loc: tuple) -> type[BaseModel] | None:
    """The model of the section at a location (("partitions", "gpu") -> Partition)."""
    model: type[BaseModel] = Facts
    inside_dict = False
    for part in loc:
        if inside_dict:
            inside_dict = False
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        kind = field.annotation
        args = [a for a in getattr(kind, "__args__", ()) if a is not type(None)]
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            model = kind
        elif args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
            model, inside_dict = args[-1], getattr(kind, "__origin__", None) is dict
        else:
            return None
    return model
