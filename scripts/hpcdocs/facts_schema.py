"""The schema of cluster.yml: every key, its type, its default and what it means.

One schema for every user of the facts: the site's hooks, the test cluster,
the job-script lint, the LSF layer and the job-script generator all get the
facts through ``hpcdocs.facts.load()``, which checks them here. The facts
reference page (docs/*/facts.md) is generated from these models, so it
cannot drift from what is checked.

Each field's ``description`` is the English text of the reference page; the
Chinese one is ``json_schema_extra={"zh": ...}`` (``describe()`` below).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hpcdocs.slurmspec import slurm_minutes


def describe(en: str, zh: str, **kw):
    """A field with its meaning in both languages (the reference page shows them)."""
    extra = {"zh": zh}
    for key in ("used_by", "default_shown"):
        if key in kw:
            extra[key] = kw.pop(key)
    return Field(description=en, json_schema_extra=extra, **kw)


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

    zh: str = describe("Chinese text.", "中文文本。")
    en: str = describe("English text.", "英文文本。")


class Partition(Section):
    name: str = describe(
        "What the scheduler calls it (Slurm partition, LSF queue).",
        "调度系统里的名字（Slurm 分区名、LSF 队列名）。",
    )
    default: bool = describe(
        "The partition a job gets without --partition; exactly one has it.",
        "不写 --partition 时作业进入的分区；只能有一个。",
        default=False,
    )
    node_prefix: str | None = describe(
        "Node names are this prefix and a two-digit number (cn01, cn02, ...).",
        "节点名是这个前缀加两位数字（cn01、cn02……）。",
        default=None,
        pattern=r"^[a-z][a-z0-9-]*$",
    )
    nodes: int | None = describe(
        "How many nodes it has; leave out with shares_nodes_with.",
        "节点数量；与 shares_nodes_with 二选一。",
        default=None,
        ge=1,
    )
    shares_nodes_with: str | None = describe(
        "The role of another partition whose nodes this one uses (a debug partition).",
        "与哪个分区（写角色名）共用节点，例如调试分区。",
        default=None,
    )
    cpus_per_node: int | None = describe(
        "CPU cores per node.", "每个节点的 CPU 核数。", default=None, ge=1
    )
    memory_mb_per_node: int | None = describe(
        "Memory per node that jobs can ask for, in MB (Slurm RealMemory).",
        "每个节点可供作业申请的内存，单位 MB（Slurm 的 RealMemory）。",
        default=None,
        ge=1,
    )
    gpu_type: str | None = describe(
        "GRES type of the GPUs (--gres=gpu:TYPE:N), e.g. a100.",
        "GPU 的 GRES 类型（--gres=gpu:类型:数量），例如 a100。",
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+$",
    )
    gpus_per_node: int = describe(
        "GPUs per node; 0 for a CPU partition.",
        "每个节点的 GPU 数；CPU 分区为 0。",
        default=0,
        ge=0,
    )
    max_time: str = describe(
        "Longest --time allowed (Slurm time).",
        "--time 的上限（Slurm 时间格式）。",
        default="UNLIMITED",
    )
    default_time: str | None = describe(
        "Time limit of a job that gives no --time; left out, Slurm uses max_time (slurm.conf "
        "DefaultTime).",
        "不写 --time 时作业的时间限制；不写这一项时 Slurm 用 max_time（slurm.conf 的 DefaultTime）。",
        default=None,
        default_shown="max_time",
    )

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
    name: str = describe(
        "The account's name in Slurm (sacctmgr, --account).",
        "Slurm 中的账户名（sacctmgr、--account）。",
    )
    description: str | None = describe(
        "What the account is for (sacctmgr Description).",
        "账户的用途（sacctmgr 的 Description）。",
        default=None,
    )
    max_cpus: int | None = describe(
        "GrpTRES=cpu: the CPUs all running jobs of the account may hold together.",
        "GrpTRES=cpu：该账户所有运行中作业合计最多可占用的 CPU 数。",
        default=None,
        ge=1,
    )


class Qos(Section):
    name: str = describe("The QOS's name in Slurm (--qos).", "Slurm 中的 QOS 名（--qos）。")
    max_jobs_per_user: int | None = describe(
        "MaxJobsPerUser: running jobs per user in this QOS.",
        "MaxJobsPerUser：每个用户在该 QOS 下同时运行的作业数。",
        default=None,
        ge=1,
    )


class Conda(Section):
    root: str = describe(
        "Where the centre's conda (miniforge) is installed.", "中心安装 conda（miniforge）的位置。"
    )
    channel: str = describe(
        "The channel pages install from.", "页面里安装软件包用的频道。", default="conda-forge"
    )
    envs_dir: str = describe(
        "Where readers should keep environments (not a small $HOME).",
        "建议读者存放环境的目录（不要放在容量小的 $HOME）。",
    )
    pkgs_dir: str = describe(
        "conda's package cache (pkgs_dirs).", "conda 的软件包缓存目录（pkgs_dirs）。"
    )
    envs: list[str] = describe(
        "The environments the pages build; the job-script generator offers them.",
        "页面里创建的环境；作业脚本生成器提供这些选项。",
        default=["torch", "tf", "sci"],
        min_length=1,
    )


class Python(Section):
    version: str = describe(
        "Python version of the pages' environments.",
        "页面中环境使用的 Python 版本。",
        pattern=r"^3\.\d+$",
    )
    pip_mirror: str = describe(
        "A PyPI mirror reachable from the cluster (pip -i); empty for none.",
        "集群能访问的 PyPI 镜像（pip -i）；没有则留空。",
        default="",
        pattern=r"^(https?://\S+)?$",
    )


class StorageArea(Section):
    env: str = describe(
        "The variable jobs and shells see (HOME, WORK, SCRATCH).",
        "作业和终端里看到的环境变量名（HOME、WORK、SCRATCH）。",
        pattern=r"^[A-Z_][A-Z0-9_]*$",
    )
    path: str = describe("Where it is.", "所在路径。")
    quota: str = describe(
        "The quota per user, as shown to readers.", "每个用户的配额（给读者看的写法）。"
    )
    backed_up: bool = describe("Whether it is backed up.", "是否有备份。")
    quota_command: str = describe(
        "What a user types to see usage and quota there (one command, no `|`).",
        "用户查看该处用量和配额的命令（一条命令，不含 `|`）。",
    )
    purge_days: int | None = describe(
        "Files unused this many days are deleted; leave out where nothing is purged.",
        "超过这么多天未使用的文件会被清除；不清理则不写。",
        default=None,
        ge=1,
    )

    @field_validator("quota_command")
    @classmethod
    def _one_command(cls, value: str) -> str:
        if "|" in value or not value.strip():
            raise ValueError("must be one command without `|` (it is shown in a table cell)")
        return value


class Lsf(Section):
    unit_for_limits: str = describe(
        "LSF_UNIT_FOR_LIMITS (lsf.conf): unit of a bare number in bsub -M and rusage[mem].",
        "LSF_UNIT_FOR_LIMITS（lsf.conf）：bsub -M 和 rusage[mem] 中不带单位的数字的单位。",
    )
    reserve_per_task: bool = describe(
        "RESOURCE_RESERVE_PER_TASK (lsb.params): rusage[mem] per task (true) or per host (false).",
        "RESOURCE_RESERVE_PER_TASK（lsb.params）：rusage[mem] 按任务（true）还是按主机（false）预留。",
    )
    job_memlimit: bool = describe(
        "LSB_JOB_MEMLIMIT (lsf.conf): -M limits the job's total (true) or each process (false).",
        "LSB_JOB_MEMLIMIT（lsf.conf）：-M 限制整个作业（true）还是每个进程（false）。",
    )

    @field_validator("unit_for_limits")
    @classmethod
    def _unit(cls, value: str) -> str:
        units = ("KB", "MB", "GB", "TB", "PB", "EB", "ZB")
        if value.upper() not in units:
            raise ValueError(f"{value!r} is not one of {', '.join(units)}")
        return value


class Site(Section):
    issues_url: str = describe(
        "This guide's issue tracker; every page's 'report a problem' link opens a new issue there.",
        "本指南仓库的问题列表；每页的“报告问题”链接在这里新建问题。",
    )

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
    account: str | None = describe(
        "Account the on-cluster test run (pytest --cluster=existing, on-cluster.md) charges its "
        "jobs to: SBATCH_ACCOUNT, SLURM_ACCOUNT and SALLOC_ACCOUNT are set to it.",
        "在中心集群上运行测试（pytest --cluster=existing，见 on-cluster.md）时作业记到的账户："
        "SBATCH_ACCOUNT、SLURM_ACCOUNT、SALLOC_ACCOUNT 都设为它。",
        default=None,
        default_shown="default_account",
        pattern=r"^[A-Za-z0-9_.-]+$",
        used_by=["snippets"],
    )
    partition: str | None = describe(
        "Partition (its scheduler name) for the on-cluster run's jobs that name none; jobs "
        "that name one (the GPU examples) keep theirs.",
        "在中心集群上运行测试时，没有指定分区的作业进入的分区（调度系统里的名字）；"
        "指定了分区的作业（如 GPU 示例）不受影响。",
        default=None,
        default_shown="the default partition's name",
        pattern=r"^[A-Za-z0-9_.-]+$",
        used_by=["snippets"],
    )


class TestCluster(Section):
    max_nodes_per_partition: int = describe(
        "The test cluster starts at most this many nodes per partition.",
        "测试集群每个分区最多启动的节点数。",
        default=2,
        ge=1,
    )
    subnet: str = describe(
        "Loopback subnet of the test cluster's daemons. Left out in a profile other than "
        "cluster.yml (HPCDOCS_FACTS, make test CLUSTER=...), the test cluster takes a /24 "
        "of its own in 127.0.100.0-127.0.199.0, derived from the file's name, so that it "
        "can run beside the default one.",
        "测试集群守护进程使用的回环网段。cluster.yml 以外的集群信息文件（HPCDOCS_FACTS、"
        "make test CLUSTER=...）不写这一项时，测试集群按文件名在 127.0.100.0–127.0.199.0 "
        "中取一个自己的 /24 网段，可以与默认集群同时运行。",
        default="127.0.77.0/24",
    )

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

    name: str = describe(
        "Slurm ClusterName (sacct -M, the accounting database).",
        "Slurm 的 ClusterName（sacct -M、记账数据库）。",
        pattern=r"^[a-z][a-z0-9_-]*$",
        used_by=["testcluster"],
    )
    display_name: Text = describe("The cluster's name on pages.", "页面上显示的集群名称。")
    login_host: str = describe(
        "The address readers ssh to.",
        "读者 ssh 登录的地址。",
        pattern=r"^[A-Za-z0-9.-]+$",
        used_by=["testcluster"],
    )
    two_factor: bool = describe(
        "Login needs a one-time code besides the password: getting-started then shows the "
        "code prompt and how two-factor login works; otherwise a password-only login.",
        "登录除密码外还需要一次性验证码：这时入门页面显示验证码提示和双因素登录的做法；"
        "否则只显示密码登录。",
        default=False,
    )
    scheduler: Literal["slurm", "lsf"] = describe(
        "The centre's scheduler: pages show its tab first (Slurm/LSF tabs, job templates) "
        "and the job-script generator starts with it.",
        "中心使用的调度系统：页面先显示它的标签页（Slurm/LSF 标签页、作业模板），"
        "作业脚本生成器也默认选它。",
        default="slurm",
        used_by=["hooks", "generator"],
    )
    slurm_version: str | None = describe(
        "Slurm version of the centre (the Slurm page names it); leave out where the centre "
        "has no Slurm.",
        "中心的 Slurm 版本（Slurm 页面会提到）；中心没有 Slurm 则不写。",
        default=None,
        pattern=r"^\d+\.\d+$",
    )
    default_account: str = describe(
        "The account jobs are charged to without --account.",
        "不写 --account 时作业记到的账户。",
        default="users",
        used_by=["testcluster"],
    )
    accounts: dict[str, Account] = describe(
        "Accounts besides default_account, by role (project); the test cluster creates them.",
        "default_account 之外的记账账户，按角色列出（如 project）；测试集群会创建它们。",
        default_factory=dict,
        used_by=["testcluster"],
    )
    qos: dict[str, str | Qos] = describe(
        "QOS: `default` names the one a job gets without --qos (Slurm's own: normal); "
        "the other entries, by role, are QOS users may choose.",
        "QOS：`default` 是不写 --qos 时作业得到的 QOS（Slurm 自带的叫 normal）；"
        "其他条目按角色列出用户可以选择的 QOS。",
        default_factory=lambda: {"default": "normal"},
        used_by=["testcluster"],
    )
    partitions: dict[str, Partition] = describe(
        "Partitions (LSF: queues) by the role pages refer to: cpu, gpu, debug.",
        "分区（LSF 中为队列），键是页面引用的角色名：cpu、gpu、debug。",
        min_length=1,
        used_by=["testcluster", "lint", "lsf", "generator"],
    )
    modules: dict[str, str] = describe(
        "environment-modules names by role (conda, cuda, gcc).",
        "按用途列出的 environment-modules 模块名（conda、cuda、gcc）。",
        used_by=["testcluster", "generator", "snippets"],
    )
    conda: Conda = describe(
        "The centre's conda.", "中心提供的 conda。", used_by=["testcluster", "lint", "generator"]
    )
    open_ondemand: str = describe(
        "Address of the centre's Open OnDemand portal; empty where there is none "
        "(the Jupyter page then leaves the portal out).",
        "中心 Open OnDemand 门户的地址；没有则留空（Jupyter 页面就不提门户）。",
        default="",
        pattern=r"^(https://\S+)?$",
    )
    cuda_version: str = describe(
        "Newest CUDA the GPU nodes' driver supports.",
        "GPU 节点驱动支持的最高 CUDA 版本。",
        pattern=r"^\d+\.\d+$",
        used_by=["testcluster", "lint"],
    )
    nvidia_driver: str = describe(
        "NVIDIA driver version on the GPU nodes.",
        "GPU 节点的 NVIDIA 驱动版本。",
        pattern=r"^\d+(\.\d+)*$",
        used_by=["testcluster"],
    )
    python: Python = describe(
        "Python on the cluster.", "集群上的 Python。", used_by=["testcluster"]
    )
    storage: dict[str, StorageArea] = describe(
        "Storage areas by role (home, work, scratch).",
        "按用途列出的存储区域（home、work、scratch）。",
        min_length=1,
        used_by=["testcluster"],
    )
    lsf: Lsf | None = describe(
        "How the centre's LSF counts memory (LSF tabs and the LSF layer).",
        "中心的 LSF 如何计算内存（LSF 标签页和 LSF 兼容层使用）。",
        default=None,
        used_by=["lsf", "lint", "generator"],
    )
    site: Site = describe("This guide's own repository.", "本指南自己的仓库。", used_by=["hooks"])
    ci: Ci = describe(
        "The test run on the centre's own cluster (pytest --cluster=existing).",
        "在中心自己的集群上运行测试（pytest --cluster=existing）。",
        default_factory=Ci,
        used_by=["snippets"],
    )
    testcluster: TestCluster = describe(
        "The local test cluster (not the centre's).",
        "本地测试集群（不是中心的集群）。",
        default_factory=TestCluster,
        used_by=["testcluster"],
    )

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
