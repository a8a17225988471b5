"""JupyterLab on a compute node (docs/*/jupyter.md), end to end on the test cluster.

The reader's steps, as the page shows them:
- jupyter/01-install.console makes the `jupyter` environment (its own test runs it first);
- jupyter/03-submit.console: `sbatch jupyter.sh` (the job script jupyter/02-jupyter-job.sh),
  then `cat jupyter-JOBID.out`; the lines the job wrote there must have the form of the
  page's sample, and its output and error files must be readable by their owner only (the token);
- jupyter/04-tunnel.console: the ssh line the job printed runs as written on the reader's
  computer (hpcdocs.snippettests.laptop: a throwaway home, the test login node's sshd, user
  alice), in the background; JupyterLab's /api/status answers through the tunnel with the
  token and refuses without it; JupyterLab listens on the node's address only;
- jupyter/05-stop.console: `scancel JOBID`; then the job is CANCELLED, nothing listens on the
  port, and no process of that JupyterLab is left.
The warning before the time limit (`--signal=B:USR1@600`): the test submits with a time
limit below 10 minutes, so Slurm signals at once; the trap's line must appear in the output
and JupyterLab must still answer afterwards (the script's wait loop goes on).

Where the test world differs: jobs run as root here (a real cluster runs them as you), and
JupyterLab refuses to run as root unless told, so the test adds a Jupyter config directory
(JUPYTER_CONFIG_PATH) with ServerApp.allow_root = true, and JUPYTER_DATA_DIR and
JUPYTER_RUNTIME_DIR in its temporary directory (not root's ~/.local); USER=alice in the job's
environment (sbatch passes it on), the login node's account, as a real job's USER is the
reader's login. The job gets --time=00:03:00 on the command line (the script asks for 2 hours)
so that a test that dies early leaves no long job.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from hpcdocs import facts
from hpcdocs.poll import until
from hpcdocs.snippettests import Catalog, console
from hpcdocs.snippettests.runner import Runner

SAMPLE_JOB = "123456"
TIME_LIMIT = "00:03:00"
WARNING = "about 10 minutes left"


def commands(catalog: Catalog, path: str) -> list[str]:
    return [c for _, c in console.commands(catalog[path].text)]


def sample_output(catalog: Catalog, path: str) -> list[str]:
    return [ln for ln in catalog[path].text.splitlines() if ln and not ln.startswith(("$", "#"))]


def shape(sample: str) -> str:
    """A regular expression for lines like the sample: any port, node name and token."""
    node = re.escape(facts.get("partitions.cpu.node_prefix")) + r"\d{2}"  # the sample's cn01
    parts = re.split(rf"(token=\S+|\b\d{{4,6}}\b|\b{node}\b)", sample)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(re.escape(part))
        elif part.startswith("token="):
            out.append("token=[A-Za-z0-9_-]+")
        elif re.fullmatch(node, part):
            out.append(r"[\w.-]+")
        else:
            out.append(r"\d+")
    return "".join(out)


def wait_for(what: str, check, timeout: float, explain=lambda: ""):
    return until(check, timeout, lambda: f"{what}\n{explain()}", step=0.5)


def jupyter_processes(port: int) -> list[str]:
    """Processes whose command line names this JupyterLab's port (the server, its kernels)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                line = b" ".join(argv).decode(errors="replace")
                if "jupyter" in line and f"--port={port}" in line:
                    found.append(f"{entry}: {line}")
    return found


def listening(port: int) -> list[str]:
    done = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
    return [ln.split()[3] for ln in done.stdout.splitlines() if ln.strip()]


def connects(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=2):
        return True
    return False


def api_status(url: str, token: str | None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:  # refused, reset, timed out: no answer (yet)
        return 0, {}


def test_jupyterlab_through_the_login_node_tunnel(cluster, tmp_path):
    cluster.require_test_cluster("the tunnel goes through the test cluster's login node")
    catalog = Catalog.load()
    runner = Runner(catalog, cluster)
    try:
        run_the_page(cluster, catalog, runner, tmp_path)
    finally:
        runner.close()


def run_the_page(cluster, catalog, runner, tmp_path):
    installed = runner.outcome(catalog["jupyter/01-install.console"])
    assert installed.passed, installed.reason
    laptop = runner.laptop()
    assert laptop is not None

    # The test world's differences (module docstring).
    work = tmp_path / "work"
    work.mkdir()
    config = tmp_path / "jupyter-config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text('{"ServerApp": {"allow_root": true}}')
    env = dict(runner._env(), USER="alice", JUPYTER_CONFIG_PATH=str(config),
               JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))  # fmt: skip
    (work / "jupyter.sh").write_text(runner.render(catalog["jupyter/02-jupyter-job.sh"]))

    submit, show = commands(catalog, "jupyter/03-submit.console")[::2]
    assert submit == "sbatch jupyter.sh", submit
    done = subprocess.run(
        ["bash", "-c", submit.replace("sbatch", f"sbatch --time={TIME_LIMIT}", 1)],
        cwd=work, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    found = re.search(r"Submitted batch job (\d+)", done.stdout)
    assert found, done.stdout + done.stderr
    jobid = found.group(1)
    out = work / f"jupyter-{jobid}.out"
    err = out.with_suffix(".err")
    tunnel = None
    port = None
    try:
        text = lambda: "".join(f.read_text(errors="replace") for f in (out, err) if f.exists())  # noqa: E731

        # JupyterLab is up once it prints its own "Use Control-C to stop this server".
        def explain() -> str:  # what the job wrote, where it is, what it runs
            job = subprocess.run(["scontrol", "show", "job", "-o", jobid], env=env,
                                 capture_output=True, text=True, timeout=30)  # fmt: skip
            procs = subprocess.run(["ps", "-eo", "pid,ppid,etime,stat,args"],
                                   capture_output=True, text=True, timeout=30)  # fmt: skip
            running = [ln for ln in procs.stdout.splitlines()
                       if re.search(r"jupyter|conda|python -c", ln)]  # fmt: skip
            return "\n".join([text(), job.stdout + job.stderr, *running])

        wait_for("JupyterLab server running", lambda: "Use Control-C" in text(), 180, explain)
        for f in (out, err):
            assert (f.stat().st_mode & 0o777) == 0o600, f"{f.name} is {oct(f.stat().st_mode)}"
        shown = subprocess.run(
            ["bash", "-c", show.replace(SAMPLE_JOB, jobid)], cwd=work, env=env,
            capture_output=True, text=True, timeout=30,
        ).stdout.splitlines()  # fmt: skip
        rendered = runner.render(catalog["jupyter/03-submit.console"])
        sample = [ln for ln in rendered.splitlines() if ln and not ln.startswith(("$", "#"))][-4:]
        # The first four lines (the warning before the time limit may follow them).
        assert len(shown) >= 4, shown
        for got, want in zip(shown[:4], sample, strict=True):
            assert re.fullmatch(shape(want), got), f"the job wrote {got!r}; the page shows {want!r}"
        ssh_line, url = shown[1].strip(), shown[3].strip()
        port = int(re.search(r"-L (\d+):", ssh_line).group(1))
        node = re.search(r"-L \d+:([^:]+):", ssh_line).group(1)
        token = re.search(r"token=(\S+)", url).group(1)

        # JupyterLab listens on the node's address only, not on 0.0.0.0 or every address.
        node_addr = socket.gethostbyname(node)
        assert listening(port) == [f"{node_addr}:{port}"], listening(port)

        # The reader's computer: the ssh line as printed, left running (-N) in the background.
        tunnel = subprocess.Popen(
            laptop.wrap(["bash", "-c", ssh_line]), env=laptop.env(env),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        base = re.sub(r"/lab\?token=.*", "", url)
        status = wait_for(
            "answer from JupyterLab through the tunnel",
            lambda: (got := api_status(f"{base}/api/status", token))[0] == 200 and got,
            30,
            lambda: f"ssh: {ssh_line}\n{laptop.log_since(0)[-2000:]}",
        )
        assert {"started", "kernels", "connections"} <= set(status[1]), status
        assert api_status(f"{base}/api/status", None)[0] == 403, "answered without the token"
        assert "Accepted password for alice" in laptop.log_since(0)

        # The warning before the time limit came (the limit is under 10 minutes) and the
        # server is still there after it.
        wait_for(f"{WARNING!r} line from the USR1 trap", lambda: WARNING in text(), 90, text)
        assert api_status(f"{base}/api/status", token)[0] == 200, "gone after the USR1 warning"

        # Stopping: the page's scancel line, with this job's id.
        (stop,) = commands(catalog, "jupyter/05-stop.console")
        assert stop == f"scancel {SAMPLE_JOB}", stop
        subprocess.run(["bash", "-c", stop.replace(SAMPLE_JOB, jobid)], env=env, check=True,
                       timeout=30)  # fmt: skip
        state = cluster.wait_job(jobid, 60)
        assert state.startswith("CANCELLED"), state
        wait_for("closed port", lambda: not connects(node_addr, port), 15,
                 lambda: str(listening(port)))  # fmt: skip
        wait_for("end of JupyterLab's processes", lambda: not jupyter_processes(port), 15,
                 lambda: "\n".join(jupyter_processes(port)))  # fmt: skip
    finally:
        subprocess.run(["scancel", jobid], env=env, capture_output=True, timeout=30)
        if tunnel is not None:
            laptop.stop_leftovers()
            tunnel.wait(timeout=10)
        if port is not None:  # a JupyterLab that escaped its job: stop it, the test has failed
            for line in jupyter_processes(port):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(line.split(":")[0]), 9)


def test_sample_lines_are_what_the_script_prints():
    """The page's tunnel line (04-tunnel) is the sample's (03-submit), in the script's form."""
    catalog = Catalog.load()
    script = catalog["jupyter/02-jupyter-job.sh"].text
    printed = re.search(r"^\s+(ssh -N -L .*)$", script, re.M).group(1)
    (tunnel,) = commands(catalog, "jupyter/04-tunnel.console")
    form = (
        printed.replace("${port}", "41563")
        .replace("${node}", "{{ cluster.partitions.cpu.node_prefix }}01")
        .replace("${USER}", "alice")
    )
    assert tunnel == form, f"04-tunnel.console: {tunnel!r}; the script prints {form!r}"
    assert tunnel in [ln.strip() for ln in sample_output(catalog, "jupyter/03-submit.console")]
