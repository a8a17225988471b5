"""A job sees only its own GPUs because of the device cgroup, not because of
CUDA_VISIBLE_DEVICES (docs/*/troubleshooting.md#cuda-not-available).

The test cluster's GPUs are mock character devices listed in gres.conf, and its
cgroup.conf has ConstrainDevices=yes, as real clusters do: a device the job may
use opens with ENXIO (allowed, but no driver behind it), one it may not use
fails with EPERM from the cgroup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hpcdocs import ROOT, facts

GPU = facts.get("partitions.gpu")
PAGES = [ROOT / "docs" / lang / "troubleshooting.md" for lang in ("zh", "en")]

PROBE = """#!/bin/bash
if [ -n "${SET_CVD:-}" ]; then export CUDA_VISIBLE_DEVICES=$SET_CVD; fi
echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-(not set)}"
for dev in "$@"; do
    if exec 3<"$dev"; then echo "$dev: open"; exec 3<&-; fi
done 2>&1 | sed -e 's/.*: \\(\\S*\\): /\\1: /'
"""


def _devices(cluster) -> list[str]:
    conf = Path(cluster.env["SLURM_CONF"]).with_name("gres.conf").read_text(encoding="utf-8")
    files = next(w for line in conf.splitlines() if "File=" in line for w in line.split()
                 if w.startswith("File="))  # fmt: skip
    return files.removeprefix("File=").split(",")


def _probe(cluster, tmp_path, srun_args: str, env: str = "") -> dict[str, str]:
    script = tmp_path / "probe.sh"
    script.write_text(PROBE, encoding="utf-8")
    script.chmod(0o755)
    devices = _devices(cluster)
    r = cluster.bash(
        f"{env} srun --partition={GPU['name']} --time=00:01:00 {srun_args} {script} "
        + " ".join(devices),
        timeout=90,
    )
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)
    first = r.stdout.splitlines()[0]
    return {"cvd": first.split("=", 1)[1], **{d: lines.get(d, "?") for d in devices}}


@pytest.fixture
def gpu_cluster(cluster):
    cluster.require_test_cluster("probes the mock GPU device files")
    cluster.require_partition(GPU["name"])
    return cluster


def test_no_gpu_asked_none_can_be_opened_although_the_variable_is_unset(gpu_cluster, tmp_path):
    got = _probe(gpu_cluster, tmp_path, "")
    assert got.pop("cvd") == "(not set)", got
    assert set(got.values()) == {"Operation not permitted"}, got


def test_setting_the_variable_yourself_opens_nothing(gpu_cluster, tmp_path):
    # Set inside the task: Slurm drops a CUDA_VISIBLE_DEVICES exported to a step without GPUs.
    every = ",".join(str(i) for i in range(GPU["gpus_per_node"]))
    got = _probe(gpu_cluster, tmp_path, "", env=f"SET_CVD={every}")
    assert got.pop("cvd") == every, got
    assert set(got.values()) == {"Operation not permitted"}, got


def test_one_gpu_asked_only_that_one_opens(gpu_cluster, tmp_path):
    got = _probe(gpu_cluster, tmp_path, f"--gres=gpu:{GPU['gpu_type']}:1")
    assert got.pop("cvd") == "0", got
    results = sorted(got.values())
    # ENXIO: the cgroup lets it through, and there is no driver behind the mock device.
    assert results.count("No such device or address") == 1, got
    assert results.count("Operation not permitted") == len(results) - 1, got


def test_page_puts_the_cause_on_the_device_cgroup():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        section = text.split("{ #cuda-not-available }", 1)[1].split("\n## ", 1)[0]
        assert "ConstrainDevices=yes" in section, page
        # An unset variable means every GPU the process can open, not none.
        assert "`CUDA_VISIBLE_DEVICES` 没有设置，程序看不到任何 GPU" not in section, page
        assert "so `CUDA_VISIBLE_DEVICES` is not set and the program sees no GPU" not in section
