"""Requests the cluster cannot meet are refused at once, with Slurm's own message."""

from __future__ import annotations

import pytest
from hpcdocs import facts


def refused(cluster, args: str) -> str:
    r = cluster.bash(f"sbatch {args} --wrap true", timeout=30)
    assert r.returncode != 0, f"sbatch {args} was accepted: {r.stdout}"
    return r.stderr


def test_missing_partition(cluster):
    err = refused(cluster, "-p no-such-partition")
    assert "invalid partition name specified" in err.lower(), err


def test_gres_the_cluster_lacks(cluster):
    spec = facts.get("partitions.gpu")
    cluster.require_partition(spec["name"])
    err = refused(cluster, f"-p {spec['name']} --gres=gpu:{spec['gpus_per_node'] + 1}")
    assert "Requested node configuration is not available" in err, err
    err = refused(cluster, f"-p {spec['name']} --gres=gpu:no_such_type:1")
    assert (
        "Requested node configuration is not available" in err
        or "Invalid generic resource (gres) specification" in err
    ), err


@pytest.mark.parametrize("role", ["cpu", "gpu"])
def test_more_nodes_than_the_partition_has(cluster, role):
    name = facts.get(f"partitions.{role}.name")
    cluster.require_partition(name)
    r = cluster.bash(f"sinfo -h -p {name} -o %D")
    nodes = int(r.stdout.split()[0])
    err = refused(cluster, f"-p {name} -N {nodes + 1}")
    assert (
        "Node count specification invalid" in err
        or "Requested node configuration is not available" in err
    ), err


def test_more_memory_than_a_node_has(cluster):
    spec = facts.get("partitions.cpu")
    err = refused(cluster, f"-p {spec['name']} --mem={spec['memory_mb_per_node'] + 1}")
    assert (
        "Requested node configuration is not available" in err
        or "Memory specification can not be satisfied" in err
    ), err
