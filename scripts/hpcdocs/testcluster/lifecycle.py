"""up, down and status of the test cluster."""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from hpcdocs.testcluster import hosts, login, mirror, procs, render, tasks
from hpcdocs.testcluster import plan as plan_mod
from hpcdocs.testcluster.plan import Plan

# Debian packages providing each program `up` needs (installed when missing).
PACKAGES = {
    "/usr/sbin/slurmctld": "slurmctld",
    "/usr/sbin/slurmd": "slurmd",
    "/usr/sbin/slurmdbd": "slurmdbd",
    "/usr/bin/sbatch": "slurm-client",
    "/usr/sbin/munged": "munge",
    "/usr/sbin/mariadbd": "mariadb-server",
    "/usr/bin/mariadb-install-db": "mariadb-server",
    "/usr/lib/x86_64-linux-gnu/modulecmd.tcl": "environment-modules",
    "/usr/bin/gcc": "gcc",  # builds the bind() shim
    "/usr/include/dlfcn.h": "libc6-dev",
    "/usr/sbin/sshd": "openssh-server",  # the login node (login.py)
    "/usr/bin/ssh": "openssh-client",
    "/usr/bin/rsync": "rsync",
}
SLURM_DAEMONS = ("slurmctld", "slurmd", "slurmdbd")
START_TIMEOUT = 60.0  # seconds a daemon may take to answer (MariaDB's first start)


class UpError(RuntimeError):
    """A daemon failed to start; the message holds its own error and log path."""


class DownError(RuntimeError):
    """Some of the cluster's processes were still alive when `down` gave up."""


DOWN_TIMEOUT = 15.0  # seconds `down` waits for the last process to be gone


T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"testcluster: {msg}", file=sys.stderr, flush=True)


def trace(msg: str) -> None:
    """Timing of up's steps, with TESTCLUSTER_TRACE=1."""
    if os.environ.get("TESTCLUSTER_TRACE"):
        log(f"{time.monotonic() - T0:6.2f} s  {msg}")


@contextmanager
def locked(plan: Plan):
    """One up/down at a time per state directory (several test runs may share it)."""
    plan.state.mkdir(parents=True, exist_ok=True)
    with open(plan.state / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def ensure_packages() -> None:
    missing = sorted({pkg for path, pkg in PACKAGES.items() if not Path(path).exists()})
    if not missing:
        return
    log(f"installing {' '.join(missing)} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *missing], check=True, env=env
    )


def slurm_env(plan: Plan) -> dict:
    env = dict(os.environ)
    env["SLURM_CONF"] = str(plan.slurm_conf)
    return env


# ---------------------------------------------------------------- files


def write_files(plan: Plan, fresh: bool) -> str:
    """Write every generated file; return what Slurm's daemons need to apply the
    change: "restart", "reconfigure" or "" (nothing changed)."""
    for d in (
        plan.etc,
        plan.log,
        plan.run_dir,
        plan.spool / "ctld",
        plan.munge_dir,
        plan.dev,
        plan.mysql_dir,
        plan.node_bin,
        plan.state / "conda" / "envs",
    ):
        d.mkdir(parents=True, exist_ok=True)
    for n in plan.nodes:
        (plan.spool / n.name).mkdir(exist_ok=True)
    for path in plan.storage_dirs().values():
        path.mkdir(parents=True, exist_ok=True)
    os.chmod(plan.munge_dir, 0o700)
    # Every user's tasks write their records here (files/task_prolog.sh); old ones go.
    plan.tasks.mkdir(exist_ok=True)
    os.chmod(plan.tasks, 0o1777)
    tasks.prune(plan)

    old = plan.slurm_conf.read_text() if plan.slurm_conf.exists() else ""
    changed = render.write(plan.slurm_conf, render.slurm_conf(plan))
    nodes_changed = render.write(plan.etc / "gres.conf", render.gres_conf(plan))
    nodes_changed |= _node_lines(old) != _node_lines(plan.slurm_conf.read_text())
    # slurmd reads cgroup.conf when it starts: a change needs a restart.
    nodes_changed |= render.write(plan.etc / "cgroup.conf", render.CGROUP_CONF)
    render.write(plan.etc / "plugstack.conf", "# no SPANK plugins on the test cluster\n")
    for name, where in (("task_prolog.sh", plan.etc), ("nvidia-smi", plan.node_bin)):
        render.write(where / name, (render.FILES / name).read_text(), 0o755)
    render.write(plan.node_bin / "gpu-nodes", render.gpu_nodes(plan))
    render.write(plan.node_bin / "nvidia-smi.conf", render.nvidia_smi_conf(plan))
    render.write(plan.etc / "my.cnf", render.my_cnf(plan))
    render.write(plan.etc / "slurmdbd.conf", render.slurmdbd_conf(plan, db_password(plan)), 0o600)
    render.write(plan.mysql_dir / "init.sql", init_sql(plan), 0o600)
    if plan.modulefiles.exists():
        shutil.rmtree(plan.modulefiles)
    for path, text in render.modulefiles(plan).items():
        render.write(path, text)
        if "cuda" in path.parent.name.lower():
            (plan.state / "mock" / f"{path.parent.name}-{path.name}" / "bin").mkdir(
                parents=True, exist_ok=True
            )
    # A fresh munge key whenever the whole cluster starts afresh.
    key = plan.munge_dir / "munge.key"
    if fresh or not key.exists():
        if key.exists():
            key.unlink()
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(1024))
    return "restart" if nodes_changed else "reconfigure" if changed else ""


def _node_lines(conf: str) -> list[str]:
    """Lines that `scontrol reconfigure` cannot apply: nodes, ports, addresses, paths."""
    keys = (
        "NodeName=",
        "SlurmctldHost=",
        "SlurmctldPort=",
        "SlurmdPort=",
        "AuthInfo=",
        "SlurmdSpoolDir=",
        "StateSaveLocation=",
        "AccountingStorage",
        "TaskPlugin=",
        "ProctrackType=",
    )
    return [line for line in conf.splitlines() if line.startswith(keys)]


def db_password(plan: Plan) -> str:
    path = plan.mysql_dir / "slurm.password"
    if not path.exists():
        plan.mysql_dir.mkdir(parents=True, exist_ok=True)
        render.write(path, secrets.token_hex(16), 0o600)
    return path.read_text().strip()


def init_sql(plan: Plan) -> str:
    pw = db_password(plan)
    return (
        f"CREATE USER IF NOT EXISTS 'slurm'@'127.%' IDENTIFIED BY '{pw}';\n"
        f"ALTER USER 'slurm'@'127.%' IDENTIFIED BY '{pw}';\n"
        "CREATE DATABASE IF NOT EXISTS slurm_acct_db;\n"
        "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.%';\n"
    )


def make_devices(plan: Plan) -> None:
    count = max((n.gpus for n in plan.nodes), default=0)
    for i, path in enumerate(render.mock_devices(plan, count)):
        try:
            st = path.stat()
            if stat.S_ISCHR(st.st_mode) and os.minor(st.st_rdev) == i:
                continue
            path.unlink()
        except FileNotFoundError:
            pass
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(195, i))


def shim_path(plan: Plan) -> Path:
    return plan.state / "lib" / "shim.so"


def build_shim(plan: Plan) -> None:
    """Compile files/shim.c (see there why) when missing or out of date."""
    src = render.FILES / "shim.c"
    out = shim_path(plan)
    if out.exists() and out.stat().st_mtime >= src.stat().st_mtime:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(tmp), str(src), "-ldl"], check=True)
    tmp.replace(out)


def remove_devices(plan: Plan) -> None:
    if plan.dev.exists():
        for path in plan.dev.iterdir():
            path.unlink()


# ---------------------------------------------------------------- daemons


class Starter:
    """Starts daemons and remembers them, so a failure stops all it started."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.started: list[procs.Daemon] = []

    def start(
        self,
        name: str,
        argv: list[str],
        logfile: Path,
        bind: str | None = None,
        port: int | None = None,
        fast_tick: bool = False,
    ) -> procs.Daemon:
        """Start a daemon; with bind, it listens on that address only (the shim).

        With port, check first that nothing else listens there: if something
        does, the daemon is still started, so that it fails with its own error.
        """
        taken = port is not None and not procs.port_free(bind or self.plan.ctl_addr, port)
        env = slurm_env(self.plan)
        if bind:
            env["LD_PRELOAD"] = str(shim_path(self.plan))
            env["TESTCLUSTER_BIND_ADDR"] = bind
        if fast_tick:
            env["TESTCLUSTER_FAST_TICK"] = "1"
        d = procs.start(name, argv, self.plan.state, logfile, env)
        trace(f"started {name}")
        self.started.append(d)
        if taken:
            self.wait(
                d,
                lambda: False,
                f"starting: {bind or self.plan.ctl_addr}:{port} is "
                "already in use by another process",
                timeout=10,
            )
        return d

    def wait(self, daemon: procs.Daemon, ready, what: str, timeout: float = START_TIMEOUT):
        deadline = time.monotonic() + timeout
        trace(f"waiting for {daemon.name}: {what}")
        while not ready():
            if daemon.failed():
                raise UpError(
                    f"{daemon.name} exited (status {daemon.popen.returncode}) instead of "
                    f"{what}. Its error:\n{daemon.error_text()}\nLog: {daemon.log}"
                    f"\nOutput: {daemon.stderr}"
                )
            if time.monotonic() > deadline:
                raise UpError(
                    f"{daemon.name} did not finish {what} within {timeout:.0f} s. "
                    f"Last lines:\n{daemon.error_text()}\nLog: {daemon.log}"
                )
            time.sleep(0.01)
        trace(f"{daemon.name} ready")

    def stop_all(self) -> None:
        pids = {d.popen.pid for d in self.started if not d.failed()}
        # slurmstepd of jobs that started meanwhile, and their jobs
        pids |= {p.pid for p in procs.ours(self.plan.state) if p.comm == "slurmstepd"}
        procs.stop(pids | procs.descendants(pids), grace=5)
        for d in self.started:
            d.popen.poll()


def running(plan: Plan) -> dict[str, procs.Proc]:
    """Our daemons by name ('slurmd:cn01' for a node's slurmd)."""
    out = {}
    for p in procs.ours(plan.state):
        if not (p.argv and p.argv[0].startswith("/usr/sbin/")):
            continue  # a helper a daemon forked (slurmctld's slurmscriptd)
        if p.comm == "slurmd" and p.node:
            out[f"slurmd:{p.node}"] = p
        elif p.comm in ("munged", "mariadbd", "slurmctld", "slurmdbd"):
            out[p.comm] = p
    return out


def _clean_stale(paths) -> None:
    for path in paths:
        with suppress(FileNotFoundError):
            path.unlink()


def mysql_ready(plan: Plan) -> bool:
    return procs.port_open(plan.ctl_addr, plan_mod.MYSQL_PORT)


def up(plan: Plan) -> float:
    """Bring the cluster up (idempotent); return seconds until all nodes were idle."""
    t0 = time.monotonic()
    ensure_packages()
    with locked(plan):
        have = running(plan)
        changed = write_files(plan, fresh=not have)
        if changed == "restart" and any(k.split(":")[0] in SLURM_DAEMONS for k in have):
            log("nodes changed: restarting the Slurm daemons (running jobs are lost)")
            stop_slurm(plan)
            have = running(plan)
        elif changed == "reconfigure" and "slurmctld" in have:
            log("configuration changed: scontrol reconfigure")
            subprocess.run(["scontrol", "reconfigure"], env=slurm_env(plan), check=True, timeout=60)
        build_shim(plan)
        hosts.add(
            plan.state,
            [(n.addr, n.name) for n in plan.nodes] + [(login.address(plan), login.host(plan))],
        )
        make_devices(plan)
        s = Starter(plan)
        try:
            _start_missing(plan, s, have)
            login.start(plan, s)
            mirror.start(plan, s)
            _wait_nodes(plan, s)
            trace("all nodes idle")
        except (
            UpError,
            login.LoginError,
            mirror.MirrorError,
            subprocess.CalledProcessError,
            OSError,
            KeyboardInterrupt,
        ) as exc:
            # Stop what this run started; leave what was already running.
            trace(f"failed: stopping {len(s.started)} daemons")
            s.stop_all()
            trace("stopped")
            if not running(plan):
                hosts.remove(plan.state)
                remove_devices(plan)
            raise UpError(str(exc) or "interrupted") from None
    return time.monotonic() - t0


def _start_missing(plan: Plan, s: Starter, have: dict) -> None:
    m = plan.munge_dir
    if "munged" not in have:
        _clean_stale([plan.munge_socket, plan.munge_socket.with_name("munge.socket.lock")])
        munged = s.start(
            "munged",
            [
                "/usr/sbin/munged",
                "--foreground",
                "--force",
                f"--socket={plan.munge_socket}",
                f"--key-file={m / 'munge.key'}",
                f"--pid-file={m / 'munged.pid'}",
                f"--log-file={plan.log / 'munged.log'}",
                f"--seed-file={m / 'munged.seed'}",
                "--num-threads=4",
            ],
            plan.log / "munged.log",
        )
    mariadb = None
    if "mariadbd" not in have:
        _clean_stale([plan.mysql_dir / "mysqld.sock", plan.mysql_dir / "mysqld.pid"])
        if not (plan.mysql_dir / "initialised").exists():
            _init_mysql(plan)
        mariadb = s.start(
            "mariadbd",
            [
                "/usr/sbin/mariadbd",
                f"--defaults-file={plan.etc / 'my.cnf'}",
                f"--init-file={plan.mysql_dir / 'init.sql'}",
            ],
            plan.log / "mariadbd.log",
            bind=None,
            port=plan_mod.MYSQL_PORT,
        )
    if "munged" not in have:
        s.wait(munged, lambda: procs.socket_open(plan.munge_socket), "opening its socket")
    if mariadb:
        s.wait(
            mariadb,
            lambda: mysql_ready(plan),
            f"listening on {plan.ctl_addr}:{plan_mod.MYSQL_PORT}",
        )
    if "slurmdbd" not in have:
        _start_controller(plan, s, "slurmdbd", plan_mod.DBD_PORT)
    # slurmctld's first start needs slurmdbd (it takes the TRES list from it).
    _register_accounts(plan)
    if "slurmctld" not in have:
        _start_controller(plan, s, "slurmctld", plan_mod.CTLD_PORT, fast_tick=True)
    for n in plan.nodes:
        if f"slurmd:{n.name}" not in have:
            # Own UTS namespace: `hostname` in a job prints the node's name.
            s.start(
                f"slurmd-{n.name}",
                [
                    "/usr/bin/unshare",
                    "--uts",
                    "/bin/sh",
                    "-c",
                    f'hostname {n.name} && exec "$0" "$@"',
                    "/usr/sbin/slurmd",
                    "-D",
                    "-N",
                    n.name,
                ],
                plan.log / f"slurmd-{n.name}.log",
                bind=n.addr,
                port=plan_mod.SLURMD_PORT,
            )


def _start_controller(
    plan: Plan, s: Starter, name: str, port: int, fast_tick: bool = False
) -> None:
    """Start /usr/sbin/NAME -D (slurmdbd, slurmctld) on the control address and wait
    until it listens on its port."""
    daemon = s.start(
        name,
        [f"/usr/sbin/{name}", "-D"],
        plan.log / f"{name}.log",
        bind=plan.ctl_addr,
        port=port,
        fast_tick=fast_tick,
    )
    s.wait(
        daemon,
        lambda: procs.port_open(plan.ctl_addr, port),
        f"listening on {plan.ctl_addr}:{port}",
    )


def _init_mysql(plan: Plan) -> None:
    log("initialising MariaDB's data directory (first start only)")
    data = plan.mysql_dir / "data"
    if data.exists():
        shutil.rmtree(data)
    r = subprocess.run(
        [
            "/usr/bin/mariadb-install-db",
            f"--defaults-file={plan.etc / 'my.cnf'}",
            "--skip-test-db",
            "--auth-root-authentication-method=socket",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if r.returncode:
        raise UpError(
            f"mariadb-install-db failed (status {r.returncode}). Its error:\n"
            f"{r.stderr.strip()[-2000:]}\nLog: {plan.log / 'mariadbd.log'}"
        )
    # Only now: an initialisation cut short is redone by the next `up`.
    (plan.mysql_dir / "initialised").touch()
    (plan.mysql_dir / "registered").unlink(missing_ok=True)


def node_states(plan: Plan) -> dict[str, str]:
    """Node name -> sinfo state (idle, mix, down*, ...); {} if the controller is not answering."""
    try:
        r = subprocess.run(
            ["sinfo", "-h", "-N", "-o", "%N %t"],
            capture_output=True,
            text=True,
            env=slurm_env(plan),
            timeout=5,
        )
    except subprocess.TimeoutExpired:
        return {}
    if r.returncode:
        return {}
    return dict(line.split() for line in r.stdout.splitlines() if line.strip())


def _wait_nodes(plan: Plan, s: Starter, timeout: float = 30.0) -> None:
    """Until every node is usable; resume nodes left down or drained by an old run."""
    deadline = time.monotonic() + timeout
    resumed = False
    while True:
        for d in s.started:
            if d.failed():
                raise UpError(
                    f"{d.name} exited (status {d.popen.returncode}). Its error:\n"
                    f"{d.error_text()}\nLog: {d.log}\nOutput: {d.stderr}"
                )
        states = node_states(plan)
        bad = {
            n: st
            for n, st in states.items()
            if st.rstrip("*~#!%$@^-") not in ("idle", "mix", "alloc", "comp")
        }
        if states and not bad and not any(st.endswith("*") for st in states.values()):
            return
        if states and not resumed and time.monotonic() > deadline - timeout + 3:
            stuck = [n for n, st in bad.items() if st.rstrip("*") in ("down", "drain", "drng")]
            if stuck:
                subprocess.run(
                    ["scontrol", "update", f"NodeName={','.join(stuck)}", "State=RESUME"],
                    env=slurm_env(plan),
                    capture_output=True,
                )
                resumed = True
        if time.monotonic() > deadline:
            raise UpError(
                f"nodes not idle after {timeout:.0f} s: {states or 'no answer'}; logs: {plan.log}"
            )
        time.sleep(0.02)


def accounting_commands(plan: Plan) -> list[list[str]]:
    """sacctmgr commands (without `sacctmgr -i`) that register the cluster, its
    QOS, its accounts and the users who submit jobs: root (every test) and the
    login node's account. Each is idempotent: run again, it changes nothing."""
    facts = plan.facts
    default = str(facts.get("default_account", "users"))
    cluster = f"Cluster={plan.cluster_name}"
    qos = dict(facts.get("qos") or {})
    default_qos = str(qos.pop("default", "normal"))
    names = [default_qos] + [str(spec["name"]) for spec in qos.values()]
    cmds: list[list[str]] = [["add", "cluster", plan.cluster_name]]
    for name in names:
        cmds.append(["add", "qos", name])
    for spec in qos.values():
        if "max_jobs_per_user" in spec:
            cmds.append(
                ["modify", "qos", "where", f"name={spec['name']}", "set",
                 f"MaxJobsPerUser={int(spec['max_jobs_per_user'])}"]
            )  # fmt: skip
    accounts = [(default, "test cluster users", None)] + [
        (str(spec["name"]), str(spec.get("description", role)), spec.get("max_cpus"))
        for role, spec in (facts.get("accounts") or {}).items()
    ]
    for name, description, max_cpus in accounts:
        cmds.append(
            ["add", "account", name, cluster, f"Description={description}", "Organization=test"]
        )
        cmds.append(
            ["modify", "account", "where", f"name={name}", cluster, "set",
             f"QOS={','.join(names)}", f"DefaultQOS={default_qos}",
             f"GrpTRES=cpu={int(max_cpus) if max_cpus else -1}"]
        )  # fmt: skip
    for user in ("root", login.USER):
        cmds.append(
            ["add", "user", user, f"Account={default}", f"DefaultAccount={default}", cluster]
        )
        for name, _, _ in accounts[1:]:
            cmds.append(["add", "user", user, f"Account={name}", cluster])
        cmds.append(
            ["modify", "user", "where", f"name={user}", cluster, "set",
             f"QOS={','.join(names)}", f"DefaultQOS={default_qos}"]
        )  # fmt: skip
    return cmds


# What sacctmgr says when a command had nothing left to do.
_ALREADY = ("already exists", "nothing new added", "nothing modified")


def _register_accounts(plan: Plan) -> None:
    """Cluster, QOS, accounts and users in slurmdbd (again whenever they change)."""
    done = plan.mysql_dir / "registered"
    cmds = accounting_commands(plan)
    want = "\n".join(" ".join(c) for c in cmds) + "\n"
    if done.exists() and done.read_text() == want:
        return
    login.ensure_user()  # sacctmgr adds only users the machine knows
    env = slurm_env(plan)
    for args in cmds:
        r = subprocess.run(
            ["sacctmgr", "-i", *args], env=env, capture_output=True, text=True, timeout=60
        )
        if r.returncode and not any(s in (r.stdout + r.stderr).lower() for s in _ALREADY):
            raise UpError(
                f"sacctmgr {' '.join(args)} failed:\n{r.stdout}{r.stderr}"
                f"\nLog: {plan.log / 'slurmdbd.log'}"
            )
    done.write_text(want)


def stop_slurm(plan: Plan) -> None:
    """Stop the Slurm daemons and every job step (for a restart with a new config)."""
    found = procs.ours(plan.state)
    steps = {p.pid for p in found if p.comm == "slurmstepd"}
    procs.stop(steps | procs.descendants(steps), grace=2)
    procs.stop({p.pid for p in found if p.comm in SLURM_DAEMONS})


def _cancel_all_jobs(plan: Plan) -> None:
    """So that slurmctld and sacct do not keep them RUNNING after the restart."""
    env = slurm_env(plan)
    r = subprocess.run(
        ["squeue", "-h", "-o", "%A"], env=env, capture_output=True, text=True, timeout=30
    )
    jobs = r.stdout.split() if r.returncode == 0 else []
    if jobs:
        subprocess.run(["scancel", *jobs], env=env, capture_output=True, timeout=30)


def _remove_cgroups(plan: Plan) -> None:
    """The device cgroups (slurm_<node>) task/cgroup made, if empty now."""
    for node in plan.nodes:
        for top in Path("/sys/fs/cgroup").glob(f"*/slurm_{node.name}"):
            for d in sorted(top.rglob("*"), key=lambda p: -len(p.parts)) + [top]:
                if d.is_dir():
                    with suppress(OSError):
                        d.rmdir()


def _wait_gone(plan: Plan, timeout: float = DOWN_TIMEOUT) -> None:
    """Return only when no process of this cluster is left (zombies count as gone:
    they have exited; their parent reaps them). Raise DownError naming the rest."""
    deadline = time.monotonic() + timeout
    while left := procs.ours(plan.state):
        if time.monotonic() >= deadline:
            names = ", ".join(f"{p.comm} (pid {p.pid})" for p in left)
            raise DownError(f"still running {timeout:.0f} s after SIGKILL: {names}")
        procs.signal_all([p.pid for p in left], signal.SIGKILL)
        time.sleep(0.02)


def down(plan: Plan, purge: bool = False) -> None:
    with locked(plan):
        if "slurmctld" in running(plan):
            _cancel_all_jobs(plan)
        stop_slurm(plan)
        _remove_cgroups(plan)
        rest = procs.ours(plan.state)
        procs.stop({p.pid for p in rest} | procs.descendants({p.pid for p in rest}))
        procs.stop(login.strays(plan))
        _wait_gone(plan)
        hosts.remove(plan.state)
        remove_devices(plan)
        _clean_stale([plan.munge_socket, plan.mysql_dir / "mysqld.sock"])
        if purge:
            for child in plan.state.iterdir():
                if child.name != ".lock":
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()


def status(plan: Plan) -> tuple[bool, str]:
    """(all running, a report)."""
    have = running(plan)
    wanted = ["munged", "mariadbd", "slurmctld", "slurmdbd"] + [
        f"slurmd:{n.name}" for n in plan.nodes
    ]
    lines = [f"state directory: {plan.state}"]
    for name in wanted:
        p = have.get(name)
        lines.append(f"  {name:14} {'running, pid ' + str(p.pid) if p else 'NOT RUNNING'}")
    ok = all(name in have for name in wanted)
    for part in (login, mirror):
        part_ok, line = part.status_line(plan)
        lines.append(line)
        ok = ok and part_ok
    if "slurmctld" in have:
        states = node_states(plan)
        lines.append("nodes: " + ", ".join(f"{n} {st}" for n, st in sorted(states.items())))
        ok = (
            ok
            and bool(states)
            and all(
                st.rstrip("*~#!%$@^-") in ("idle", "mix", "alloc", "comp") for st in states.values()
            )
        )
    return ok, "\n".join(lines)
