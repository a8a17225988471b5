"""How cluster.yml becomes the test cluster's plan and files (no daemons needed)."""

from __future__ import annotations

import ipaddress
import re

import pytest
import yaml
from hpcdocs import facts
from hpcdocs.testcluster import render
from hpcdocs.testcluster.plan import PlanError, make_plan, neighbour_subnet


def write_facts(tmp_path, change) -> str:
    data = yaml.safe_load(facts.FACTS_FILE.read_text())
    change(data)
    path = tmp_path / "cluster.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_nodes_addresses_and_shared_partitions(tmp_path):
    def more_nodes(d):
        d["partitions"]["cpu"]["nodes"] = 50

    plan = make_plan(tmp_path / "state", write_facts(tmp_path, more_nodes))
    cap = facts.get("testcluster.max_nodes_per_partition")
    cpu = [n for n in plan.nodes if n.partition_role == "cpu"]
    assert len(cpu) == cap  # at most max_nodes_per_partition, whatever `nodes` says
    assert cpu[0].name == facts.get("partitions.cpu.node_prefix") + "01"
    assert plan.ctl_addr.endswith(".1") and cpu[0].addr.endswith(".11")
    assert len({n.addr for n in plan.nodes}) == len(plan.nodes)
    debug = next(p for p in plan.partitions if p.role == "debug")
    assert debug.nodes == [n.name for n in cpu]  # shares_nodes_with: cpu


def test_slurm_conf_declares_the_facts(tmp_path):
    plan = make_plan(tmp_path / "state")
    conf = render.slurm_conf(plan)
    gpu = facts.get("partitions.gpu")
    assert f"ClusterName={facts.get('name')}\n" in conf
    assert f"Gres=gpu:{gpu['gpu_type']}:{gpu['gpus_per_node']}" in conf
    assert f"CPUs={gpu['cpus_per_node']} RealMemory={gpu['memory_mb_per_node']}" in conf
    assert "SlurmdParameters=config_overrides" in conf
    gres = render.gres_conf(plan)
    assert "AutoDetect=off" in gres and gres.count("File=") == gpu["nodes"]


def test_modulefiles_for_every_module(tmp_path):
    plan = make_plan(tmp_path / "state")
    files = render.modulefiles(plan)
    names = {str(p.relative_to(plan.modulefiles)) for p in files}
    assert names == {str(m) for m in facts.get("modules").values()}
    cuda = files[plan.modulefiles / facts.get("modules.cuda")]
    assert "MOCK" in cuda and "CUDA_HOME" in cuda


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["testcluster"].update(subnet="10.0.0.0/24"), "not a loopback subnet"),
        (lambda d: d["partitions"]["debug"].update(shares_nodes_with="nope"), "shares_nodes_with"),
        (
            lambda d: d["partitions"]["gpu"].pop("cpus_per_node"),
            r"cluster.yml:\d+: partitions.gpu: .*needs cpus_per_node",
        ),
    ],
)
def test_bad_facts_are_refused_with_file_and_key(tmp_path, change, message):
    path = write_facts(tmp_path, change)
    with pytest.raises(PlanError, match=message) as err:
        make_plan(tmp_path / "state", path)
    assert str(path) in str(err.value)


def test_env_exports(tmp_path):
    plan = make_plan(tmp_path / "state")
    text = render.env_exports(plan)
    assert f"export SLURM_CONF={plan.slurm_conf}" in text
    assert f"export MODULEPATH={plan.modulefiles}" in text
    assert "/usr/share/modules/init/bash" in text
    for var in ("WORK", "SCRATCH"):
        assert f"export {var}={plan.state}/storage/" in text
    assert "export HOME" not in text


def test_testcluster_subnet_env_moves_the_cluster_and_its_neighbours(tmp_path, monkeypatch):
    """The container's cluster (Containerfile) shares the host's network on its own subnet."""
    monkeypatch.delenv("TESTCLUSTER_SUBNET", raising=False)  # set in the container
    facts_net = ipaddress.ip_network(facts.get("testcluster.subnet"))
    assert make_plan(tmp_path / "state").ctl_addr == str(facts_net[1])
    monkeypatch.setenv("TESTCLUSTER_SUBNET", "127.0.84.0/24")
    plan = make_plan(tmp_path / "state")
    assert plan.ctl_addr == "127.0.84.1"
    assert {n.addr for n in plan.nodes} <= {f"127.0.84.{i}" for i in range(11, 255)}
    assert (neighbour_subnet(1), neighbour_subnet(2)) == ("127.0.85.0/24", "127.0.86.0/24")
    # An explicit facts file (a scratch cluster's) keeps the subnet it names.
    path = write_facts(tmp_path, lambda d: d["testcluster"].update(subnet="127.0.90.0/24"))
    assert make_plan(tmp_path / "state", path).ctl_addr == "127.0.90.1"
    monkeypatch.delenv("TESTCLUSTER_SUBNET")
    after = facts_net.network_address + facts_net.num_addresses
    assert neighbour_subnet(1) == f"{after}/{facts_net.prefixlen}"  # 127.0.78.0/24


@pytest.mark.parametrize("value", ["10.0.84.0/24", "127.0.84.0/30", "127.0.84.x/24"])
def test_bad_testcluster_subnet_env_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("TESTCLUSTER_SUBNET", value)
    with pytest.raises(PlanError, match=rf"TESTCLUSTER_SUBNET={re.escape(value)}: "):
        make_plan(tmp_path / "state")
