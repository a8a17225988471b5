"""What `eval "$(testcluster env)"` gives, and the cluster built from cluster.yml."""

from __future__ import annotations

import socket

from hpcdocs import facts


def test_nodes_and_partitions_follow_the_facts(cluster):
    cluster.require_test_cluster("compares node sizes with cluster.yml")
    parts = facts.partitions()
    r = cluster.bash("sinfo -h -N -o '%N %P %c %m %G %t'")
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines()]
    for role, spec in parts.items():
        owner = parts[spec.get("shares_nodes_with", role)]
        mine = [row for row in rows if row[1].rstrip("*") == spec["name"]]
        assert mine, f"partition {spec['name']} missing: {r.stdout}"
        for node, _, cpus, mem, gres, state in mine:
            assert node.startswith(owner["node_prefix"])
            assert int(cpus) == owner["cpus_per_node"]
            assert int(mem) == owner["memory_mb_per_node"]
            if owner.get("gpus_per_node"):
                assert gres == f"gpu:{owner['gpu_type']}:{owner['gpus_per_node']}"
            assert state in ("idle", "mix", "alloc", "comp"), rows
    default = [p["name"] for p in parts.values() if p.get("default")]
    assert any(row[1] == default[0] + "*" for row in rows)


def test_cluster_name_and_time_limits(cluster):
    cluster.require_test_cluster("compares with cluster.yml")
    r = cluster.bash("scontrol show config | grep -E '^ClusterName'")
    assert r.stdout.split("=")[1].strip() == facts.get("name")
    for spec in facts.partitions().values():
        r = cluster.bash(f"scontrol show partition {spec['name']} -o")
        assert f"MaxTime={spec['max_time']} " in r.stdout, r.stdout
        assert f"DefaultTime={spec['default_time']} " in r.stdout, r.stdout


def test_node_names_resolve_and_jobs_see_them(cluster):
    r = cluster.bash("srun -N2 hostname | sort")
    assert r.returncode == 0, r.stderr
    names = r.stdout.split()
    assert len(names) == 2
    for name in names:
        assert socket.gethostbyname(name).startswith("127.") or not cluster.is_test_cluster
    r = cluster.bash("srun -N2 bash -c 'scontrol show hostnames $SLURM_JOB_NODELIST | head -1'")
    first = r.stdout.split()[0]
    assert first in names


def test_daemons_listen_on_loopback_only(cluster):
    cluster.require_test_cluster("inspects this machine's sockets")
    from hpcdocs.testcluster import procs
    from hpcdocs.testcluster.plan import make_plan

    plan = make_plan()
    pids = {
        str(p.pid)
        for p in procs.ours(plan.state)
        if p.comm in ("slurmctld", "slurmd", "slurmdbd", "mariadbd")
    }
    r = cluster.bash("ss -Hltnp")
    listening = [
        line for line in r.stdout.splitlines() if any(f"pid={pid}," in line for pid in pids)
    ]
    assert len(listening) >= 3 + len(plan.nodes), r.stdout
    for line in listening:
        local = line.split()[3]
        assert local.startswith("127."), line


def test_storage_variables_point_at_existing_directories(cluster):
    for spec in facts.get("storage").values():
        var = spec["env"]
        r = cluster.bash(f'srun bash -c \'test -d "${var}" && test -w "${var}" && echo ok\'')
        assert r.stdout.strip() == "ok", (var, r.stderr)


def test_accounting_knows_cluster_account_and_user(cluster):
    account = facts.get("default_account")
    r = cluster.bash(
        f"sacctmgr -n -P show assoc user=root account={account} format=Cluster,Account,User"
    )
    assert r.returncode == 0, r.stderr
    assert f"{facts.get('name')}|{account}|root" in r.stdout.splitlines()
    jobid = cluster.sbatch("-o /dev/null --wrap true")
    assert cluster.wait_job(jobid) == "COMPLETED"
    r = cluster.bash(f"sacct -n -X -P -o JobID,State,Account -j {jobid}")
    assert r.stdout.strip().startswith(f"{jobid}|"), r.stdout + r.stderr
    assert r.stdout.strip().endswith(f"|{account}")


def test_slurmdbd_sends_updates_to_this_controller(cluster):
    """slurmdbd pushes sacctmgr's changes (a user added while slurmctld runs) to the
    address slurmctld connected from; the shim makes that the controller's own
    (files/shim.c, connect), not 127.0.0.1, where no controller of this cluster is."""
    cluster.require_test_cluster("the controller's loopback address is the test cluster's")
    from hpcdocs.testcluster.plan import make_plan

    plan = make_plan()
    r = cluster.bash(f"sacctmgr -n -P show cluster {plan.cluster_name} format=ControlHost")
    assert r.stdout.strip() == plan.ctl_addr, r.stdout + r.stderr


def test_accounts_and_qos_of_the_facts_with_their_limits(cluster):
    """cluster.yml's accounts and QOS exist with their limits, and are enforced:
    a job under an account the user is not in is refused."""
    for spec in (facts.load().get("accounts") or {}).values():
        r = cluster.bash(
            f"sacctmgr -n -P show assoc account={spec['name']} user=root format=Account,QOS"
        )
        assert r.stdout.strip(), f"root is not in account {spec['name']}: {r.stderr}"
        if spec.get("max_cpus"):
            r = cluster.bash(
                f"sacctmgr -n -P show assoc account={spec['name']} user= format=GrpTRES"
            )
            assert r.stdout.split() == [f"cpu={spec['max_cpus']}"], r.stdout + r.stderr
    qos = dict(facts.load().get("qos") or {})
    qos.pop("default", None)
    for spec in qos.values():
        r = cluster.bash(f"sacctmgr -n -P show qos {spec['name']} format=Name,MaxJobsPU")
        assert r.stdout.split() == [f"{spec['name']}|{spec.get('max_jobs_per_user', '')}"], (
            r.stdout + r.stderr
        )
    r = cluster.bash("sbatch --account=no-such-account -o /dev/null --wrap true")
    assert r.returncode != 0 and "Invalid account" in r.stderr, r.stdout + r.stderr
