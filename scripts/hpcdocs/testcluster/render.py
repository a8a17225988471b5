"""The test cluster's files: Slurm, slurmdbd and MariaDB configuration, the
TaskProlog, the stand-in nvidia-smi and the modulefiles, from templates in files/."""

from __future__ import annotations

import os
from pathlib import Path
from string import Template

from hpcdocs import ROOT
from hpcdocs.testcluster import plan as plan_mod
from hpcdocs.testcluster.plan import Plan

FILES = Path(__file__).parent / "files"
CONDA_ROOT = ROOT / "scripts" / "conda"
# Memory a mock GPU claims to have, by type (nvidia-smi output only).
GPU_MEMORY_MIB = {
    "a100": 81920,
    "h100": 81559,
    "v100": 32768,
    "a40": 46068,
    "titanrtx": 24576,
    "rtx4090": 24564,
}


CGROUP_CONF = """\
# cgroup.conf of the test cluster, written by testcluster. Do not edit.
# Devices and memory are constrained, as on most real clusters (see TaskPlugin
# in slurm.conf); CPUs are not: the nodes' declared cores do not exist here.
CgroupPlugin=cgroup/v1
CgroupAutomount=no
ConstrainDevices=yes
ConstrainCores=no
# A job may use the memory it was given (--mem, --mem-per-cpu or the partition's
# DefMemPerCPU) and no swap on top: past that the kernel's OOM killer stops it
# and Slurm records OUT_OF_MEMORY.
ConstrainRAMSpace=yes
AllowedRAMSpace=100
ConstrainSwapSpace=yes
AllowedSwapSpace=0
"""


def _template(name: str, **values) -> str:
    return Template((FILES / name).read_text(encoding="utf-8")).substitute(values)


def _ranges(names: list[str]) -> str:
    return ",".join(names)


def _common(plan: Plan) -> dict:
    return {
        "cluster_name": plan.cluster_name,
        "hostname": plan.hostname,
        "ctl_addr": plan.ctl_addr,
        "ctld_port": plan_mod.CTLD_PORT,
        "slurmd_port": plan_mod.SLURMD_PORT,
        "dbd_port": plan_mod.DBD_PORT,
        "mysql_port": plan_mod.MYSQL_PORT,
        "munge_socket": plan.munge_socket,
        "spool": plan.spool,
        "run": plan.run_dir,
        "log": plan.log,
        "etc": plan.etc,
        "mysql_dir": plan.mysql_dir,
        "jobcomp_log": plan.jobcomp_log,
        "node_bin": plan.node_bin,
    }


def slurm_conf(plan: Plan) -> str:
    nodes = []
    for n in plan.nodes:
        line = (
            f"NodeName={n.name} NodeHostname={n.name} NodeAddr={n.addr} "
            f"CPUs={n.cpus} RealMemory={n.memory_mb} State=UNKNOWN"
        )
        if n.gpus:
            line += f" Gres=gpu:{n.gpu_type}:{n.gpus}"
        nodes.append(line)
    parts = []
    for p in plan.partitions:
        first = next(n for n in plan.nodes if n.name in p.nodes)
        mem_per_cpu = first.memory_mb // first.cpus
        parts.append(
            f"PartitionName={p.name} Nodes={_ranges(p.nodes)} "
            f"Default={'YES' if p.default else 'NO'} MaxTime={p.max_time} "
            f"DefaultTime={p.default_time} DefMemPerCPU={mem_per_cpu} State=UP"
        )
    return _template(
        "slurm.conf.in", nodes="\n".join(nodes), partitions="\n".join(parts), **_common(plan)
    )


def gres_conf(plan: Plan) -> str:
    lines = [
        "# gres.conf of the test cluster, written by testcluster. Do not edit.",
        "# The GPUs are mock character devices (major 195, as NVIDIA's) in the state",
        "# directory; AutoDetect=off because there is no NVML to ask.",
        "AutoDetect=off",
    ]
    for n in plan.gpu_nodes():
        files = ",".join(str(p) for p in mock_devices(plan, n.gpus))
        lines.append(f"NodeName={n.name} Name=gpu Type={n.gpu_type} File={files}")
    return "\n".join(lines) + "\n"


def mock_devices(plan: Plan, count: int) -> list[Path]:
    return [plan.dev / f"nvidia{i}" for i in range(count)]


def slurmdbd_conf(plan: Plan, db_password: str) -> str:
    return _template("slurmdbd.conf.in", db_password=db_password, **_common(plan))


def my_cnf(plan: Plan) -> str:
    return _template("my.cnf.in", **_common(plan))


def nvidia_smi_conf(plan: Plan) -> str:
    """Settings of the stand-in nvidia-smi (files/nvidia-smi), from the facts."""
    gpu = plan.gpu_nodes()[0] if plan.gpu_nodes() else None
    gpu_type = str(gpu.gpu_type) if gpu else "none"
    # Partitions may have GPUs of different types: each node shows its own
    # (SLURMD_NODENAME is set in every job step).
    cases = "".join(
        f"  {n.name}) GPU_MODEL='{str(n.gpu_type).upper()}'; GPUS_PER_NODE={n.gpus}; "
        f"GPU_MEMORY_MIB={GPU_MEMORY_MIB.get(str(n.gpu_type).lower(), 16384)} ;;\n"
        for n in plan.gpu_nodes()
        if n.gpu_type != gpu.gpu_type
    )
    return (
        "# Written by testcluster from cluster.yml. Do not edit.\n"
        f"GPU_MODEL='{gpu_type.upper()}'\n"
        f"GPUS_PER_NODE={gpu.gpus if gpu else 0}\n"
        f"GPU_MEMORY_MIB={GPU_MEMORY_MIB.get(gpu_type.lower(), 16384)}\n"
        f"DRIVER='{plan.facts.get('nvidia_driver', '000.00')}'\n"
        f"CUDA='{plan.facts.get('cuda_version', '0.0')}'\n"
        + (f'case "${{SLURMD_NODENAME:-}}" in\n{cases}esac\n' if cases else "")
    )


def gpu_nodes(plan: Plan) -> str:
    """The GPU nodes' names, for files/task_prolog.sh."""
    return " ".join(n.name for n in plan.gpu_nodes()) + "\n"


def modulefiles(plan: Plan) -> dict[Path, str]:
    """Modulefile path (under plan.modulefiles) -> text, one per `modules:` entry."""
    out = {}
    for role, module in (plan.facts.get("modules") or {}).items():
        module = str(module)
        family, _, version = module.partition("/")
        values = {
            "module": module,
            "module_family": family,
            "version": version or "default",
            "conda_root": CONDA_ROOT,
            "conda_envs": plan.state / "conda" / "envs",
            "cuda_home": plan.state / "mock" / module.replace("/", "-"),
        }
        template = role if (FILES / "modulefiles" / f"{role}.in").exists() else "generic"
        out[plan.modulefiles / module] = _template(f"modulefiles/{template}.in", **values)
    return out


def env_exports(plan: Plan) -> str:
    """The shell lines `testcluster env` prints."""
    path_add = [Path("/usr/bin")]  # sbatch, srun, ... (Debian's packages)
    lsf_bin = ROOT / "scripts" / "lsf" / "bin"
    if lsf_bin.is_dir():
        path_add.append(lsf_bin)
    lines = [
        '# Test cluster environment: eval "$(.venv/bin/testcluster env)"',
        f"export SLURM_CONF={plan.slurm_conf}",
        f"export TESTCLUSTER_DIR={plan.state}",
    ]
    for p in path_add:
        lines.append(f'case ":$PATH:" in *":{p}:"*) ;; *) export PATH="{p}:$PATH" ;; esac')
    lines += [
        # `module`: environment-modules' bash init (defines and exports the function).
        "if ! type module >/dev/null 2>&1; then . /usr/share/modules/init/bash; fi",
        f"export MODULEPATH={plan.modulefiles}",
    ]
    for var, path in plan.storage_dirs().items():
        lines.append(f"export {var}={path}")
    return "\n".join(lines) + "\n"


def write(path: Path, text: str, mode: int = 0o644) -> bool:
    """Write text if it differs; return whether it changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        os.chmod(path, mode)
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, mode)
    tmp.replace(path)
    return True
