"""Running a snippet: on the login side (bash, console, python) or as a job on
the test cluster (sbatch, bsub), and checking what it did.

``Runner(catalog, cluster).outcome(snip)`` returns an Outcome. The cluster is the
tests' `cluster` fixture (tests/conftest.py) or, for `snippets run`,
the same thing built here: anything with ``.env`` (a dict) and
``.wait_job(jobid, timeout)``. Each snippet runs in a fresh working directory
under .cache/snippets/runs/PATH.XXXX/ (kept an hour, for a look by hand).

``shared=DIR`` (the tests, under pytest-xdist: one DIR per test run) makes a
snippet run once for all the processes of that run: the first to need it (a
test, or another snippet's needs=) runs it under a lock and records its outcome
in DIR; the others wait for the lock and take the record, so a conda
environment is built once however many workers need it. `login` snippets, whose
state is this Runner's own throwaway home, always run here.
"""

from __future__ import annotations

import atexit
import copy
import dataclasses
import fcntl
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hpcdocs import ROOT, existing, facts, poll
from hpcdocs.slurmspec import FINAL_STATES
from hpcdocs.snippettests import Catalog, Snippet, console
from hpcdocs.snippettests.header import working_name
from hpcdocs.snippettests.laptop import file_size, read_from
from hpcdocs.snippettests.static import env_without_venv

WORKROOT = ROOT / ".cache" / "snippets" / "runs"
KEEP_RUNS_S = 3600  # older working directories of a snippet are removed
OUTPUT_LIMIT = 20_000  # characters of output kept in a failure report, per file
SACCT_FIELDS = (
    "JobID,JobName%30,Partition,State,ExitCode,Elapsed,NodeList,NTasks,AllocCPUS,Start,End"
)
# A job's srun steps in sacct: 123.0, 123.1, 123_4.0 (not 123.batch or 123.extern).
SRUN_STEP = re.compile(r"^\d+(?:_\d+)?\.\d+$")
SRUN_CPUS_PAGE = "docs/en/slurm.md#srun-cpus-per-task"


@dataclass
class Outcome:
    outcome: str  # passed | failed | skipped
    tier: str
    reason: str = ""  # one line: why it failed or was skipped
    command: str = ""
    details: list[str] = field(default_factory=list)  # sections of the failure report
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


class SnippetError(Exception):
    """A check failed; the message is the one-line reason."""


def gpu_status() -> tuple[bool, str]:
    """(real GPU present, why not). Only a real NVIDIA driver counts: the test
    cluster's nvidia-smi is a stand-in, found only on the cluster's PATH."""
    if not Path("/proc/driver/nvidia/version").exists():
        return False, "no real GPU here (no NVIDIA driver: /proc/driver/nvidia/version is missing)"
    smi = shutil.which("nvidia-smi", path="/usr/bin:/usr/local/bin:/bin")
    if smi is None:
        return False, "no real GPU here (the NVIDIA driver has no nvidia-smi)"
    done = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30)
    listed = [line for line in done.stdout.splitlines() if line.startswith("GPU ")]
    if done.returncode or not listed or re.search(r"mock|stand-in|fake", done.stdout, re.I):
        return (
            False,
            f"no real GPU here (`nvidia-smi -L`: {done.stdout.strip() or done.stderr.strip()})",
        )
    return True, "; ".join(listed)


class Runner:
    def __init__(
        self,
        catalog: Catalog,
        cluster,
        workroot: Path = WORKROOT,
        gpu=None,
        shared: Path | None = None,
    ):
        self.catalog = catalog
        self.shared = shared  # outcomes shared with other processes of the run (above)
        self.cluster = cluster
        self.workroot = workroot
        # (real GPU, why not); or a function giving it, asked at the first `gpu` snippet
        self._gpu = gpu_status if gpu is None else gpu
        self.done: dict[str, Outcome] = {}  # once per session: needs= and the tests share it
        self._nested = 0.0  # seconds spent in snippets run from inside the current one
        self._laptop = None  # the reader's computer, for `login` snippets (laptop.py)
        self._facts: dict | None = None  # the facts as the test world has them (test_facts)
        self._mirror_log: Path | None = None  # the test cluster's pip mirror's request log
        # --cluster=existing (the centre's cluster): gpu snippets run in a job on its GPU
        # partition, job scripts that name no partition go to ci.partition.
        self.existing = not getattr(cluster, "is_test_cluster", True)

    @property
    def gpu(self) -> tuple[bool, str]:
        if callable(self._gpu):
            self._gpu = self._gpu()
        return self._gpu

    @property
    def gpu_checked(self) -> bool:
        return not callable(self._gpu)

    def close(self) -> None:
        """Remove what the session made outside its working directories (the laptop's home)."""
        if self._laptop is not None:
            self._laptop.close()
            self._laptop = None

    def test_facts(self) -> dict:
        """cluster.yml's facts, with the values the test cluster replaces (the pip mirror's
        URL: hpcdocs.testcluster.mirror) where the snippets run on it; pages show cluster.yml's."""
        if self._facts is None:
            self._facts = copy.deepcopy(facts.load())
            state = self.cluster.env.get("TESTCLUSTER_DIR")
            if getattr(self.cluster, "is_test_cluster", True) and state:
                from hpcdocs.testcluster import mirror
                from hpcdocs.testcluster.plan import make_plan

                plan = make_plan(Path(state))
                # Even where the mirror is not running: pip then fails at once (connection
                # refused), never trying the real site's mirror from the test machine.
                for key, value in mirror.overrides(plan).items():
                    *path, last = key.split(".")
                    node = self._facts
                    for part in path:
                        node = node[part]
                    node[last] = value
                self._mirror_log = mirror.log_file(plan)
        return self._facts

    def render(self, snip: Snippet) -> str:
        return facts.render(snip.text, source=snip.source, facts=self.test_facts())

    def laptop(self):
        """The throwaway home of the `login` snippets; None where no test login node runs."""
        if self._laptop is None:
            from hpcdocs.snippettests.laptop import Laptop
            from hpcdocs.testcluster import login
            from hpcdocs.testcluster.plan import make_plan

            state = self.cluster.env.get("TESTCLUSTER_DIR")
            if not getattr(self.cluster, "is_test_cluster", True) or not state:
                return None
            plan = make_plan(Path(state))
            if login.running(plan) is None:
                raise SnippetError(
                    f"the test cluster's login node (sshd, {login.address(plan)}:{login.port(plan)}) "
                    f"is not running; `.venv/bin/testcluster up` starts it (log: "
                    f"{login.log_file(plan)})"
                )
            self._laptop = Laptop(plan)
            atexit.register(self.close)
        return self._laptop

    # -- the entry point ------------------------------------------------------------------

    def outcome(self, snip: Snippet) -> Outcome:
        if snip.path in self.done:
            return self.done[snip.path]
        if self.shared is None or snip.header.login:
            return self._run_timed(snip)
        self.shared.mkdir(parents=True, exist_ok=True)
        slug = snip.path.replace("/", "__")
        record = self.shared / f"{slug}.json"
        with open(self.shared / f"{slug}.lock", "w") as lock:
            # Held while it runs: a needs= inside takes its own lock (needs= has no cycles).
            fcntl.flock(lock, fcntl.LOCK_EX)
            if record.exists():
                outcome = Outcome(**json.loads(record.read_text(encoding="utf-8")))
                self.done[snip.path] = outcome
                return outcome
            outcome = self._run_timed(snip)
            record.write_text(json.dumps(dataclasses.asdict(outcome)), encoding="utf-8")
            return outcome

    def _run_timed(self, snip: Snippet) -> Outcome:
        # Its own time only: snippets it needs (needs=, with= users) count their own.
        start, nested_before, self._nested = time.monotonic(), self._nested, 0.0
        outcome = self._run(snip)
        elapsed = time.monotonic() - start
        outcome.duration = round(elapsed - self._nested, 2)
        self._nested = nested_before + elapsed
        self.done[snip.path] = outcome
        return outcome

    def _run(self, snip: Snippet) -> Outcome:
        tier = snip.tier
        if snip.error:
            return Outcome("failed", tier, snip.error, details=[snip.error])
        run = snip.run_mode
        if run is None:  # a program other snippets run (with=): their outcome is its outcome
            return self._through_users(snip)
        if run in ("static", "none"):
            return Outcome("skipped", tier, f"run={run}: {snip.header.why}")
        missing = self.missing_commands(snip)
        if missing:  # before the GPU: without the command it cannot run on any GPU either
            return Outcome("skipped", tier, missing)
        if snip.header.gpu and not self.gpu[0]:
            return Outcome("skipped", tier, self.gpu[1])
        if snip.header.login:
            try:
                if self.laptop() is None:
                    return Outcome("skipped", tier, "login: runs on the reader's computer "
                                   "against the test cluster's login node; not on this cluster")  # fmt: skip
            except SnippetError as exc:
                return Outcome("failed", tier, str(exc), details=[str(exc)])
        for need in snip.header.needs:
            got = self.outcome(self.catalog[need])
            if got.outcome != "passed" and self.catalog[need].run_mode not in ("static", "none"):
                return Outcome(
                    got.outcome,
                    tier,
                    f"needs={need} {got.outcome}: {got.reason}",
                    details=[f"needs={need} {got.outcome}: {got.reason}"],
                )
        outcome = Outcome("passed", tier)
        try:
            workdir = self._workdir(snip)
            if run in ("sbatch", "bsub"):
                self._job(snip, workdir, outcome)
            else:
                ran = False
                try:
                    self._login(snip, workdir, outcome)
                    ran = True
                finally:
                    self._cleanup(snip, workdir, outcome, fail=ran)
        except SnippetError as exc:
            outcome.outcome, outcome.reason = "failed", str(exc)
        except facts.FactsError as exc:
            outcome.outcome, outcome.reason = "failed", str(exc)
        return outcome

    def _through_users(self, snip: Snippet) -> Outcome:
        results = {user: self.outcome(self.catalog[user]) for user in snip.users}
        for wanted in ("failed", "passed"):
            hits = [
                f"{user}: {got.reason}" if got.reason else user
                for user, got in results.items()
                if got.outcome == wanted
            ]
            if hits:
                return Outcome(
                    wanted,
                    snip.tier,
                    f"run by with=/home= of {'; '.join(hits)}",
                    details=[f"run by with=/home= of {'; '.join(hits)}"],
                )
        reasons = "; ".join(f"{user}: {got.reason}" for user, got in results.items())
        return Outcome("skipped", snip.tier, reasons)

    def missing_commands(self, snip: Snippet) -> str:
        """Why a requires= snippet cannot run here ("" when it can): a command not on the
        PATH of the cluster's environment (the login side; jobs are taken to find the same
        software on the compute nodes, as on a real cluster)."""
        path = self.cluster.env.get("PATH", "")
        missing = [cmd for cmd in snip.header.requires if shutil.which(cmd, path=path) is None]
        if not missing:
            return ""
        names = ", ".join(f"`{cmd}`" for cmd in missing)
        reason = f"requires={','.join(snip.header.requires)}: no {names} on PATH here"
        return f"{reason}; {snip.header.why}" if snip.header.why else reason

    # -- the working directory ------------------------------------------------------------

    def _workdir(self, snip: Snippet) -> Path:
        # One directory per run: other sessions may run the same snippet at the same time.
        slug = snip.path.replace("/", "__")
        self.workroot.mkdir(parents=True, exist_ok=True)
        for old in self.workroot.glob(f"{slug}.*"):
            if time.time() - old.stat().st_mtime > KEEP_RUNS_S:
                shutil.rmtree(old, ignore_errors=True)
        workdir = Path(tempfile.mkdtemp(prefix=f"{slug}.", dir=self.workroot))
        workdir.chmod(0o755)
        text = self.render(snip)
        if snip.kind == "console":
            text = console.script(text)
        (workdir / snip.name).write_text(text, encoding="utf-8")
        for entry in snip.header.with_:
            path, name = working_name(entry)
            other = self.catalog[path]
            target = workdir / name
            if target.exists():
                raise SnippetError(
                    f"{snip.source}: with={entry}: a file named {name} is there already"
                )
            target.write_text(self.render(other), encoding="utf-8")
            if os.access(other.file, os.X_OK):
                target.chmod(0o755)
        return workdir

    def _env(self) -> dict[str, str]:
        env = env_without_venv(dict(self.cluster.env))
        # A reader's login shell always has USER and LOGNAME (set at login); the test
        # run may not (started from a service or a container), and `squeue -u "$USER"`
        # would then list nobody's jobs.
        name = pwd.getpwuid(os.getuid()).pw_name
        for key in ("USER", "LOGNAME"):
            env[key] = env.get(key) or name
        return env

    # -- login side -----------------------------------------------------------------------

    def _cleanup(self, snip: Snippet, workdir: Path, outcome: Outcome, fail: bool) -> None:
        """cleanup=, after the snippet (and its leftover jobs) whether it passed or not;
        a failing cleanup fails the test (fail), or is noted beside the first failure."""
        if not snip.header.cleanup:
            return
        undone = self._sh(["bash", "-ec", snip.header.cleanup], cwd=workdir, env=self._env())
        if undone.returncode:
            message = (
                f"{snip.source}: cleanup= failed (exit {undone.returncode}): "
                f"{last_line(undone.stdout + undone.stderr)}"
            )
            if fail:
                raise SnippetError(message)
            outcome.details.append(message)

    def _login(self, snip: Snippet, workdir: Path, outcome: Outcome) -> None:
        name, header = snip.name, snip.header
        known = self.test_facts()
        args = [facts.render(arg, source=snip.source, facts=known) for arg in header.args]
        conda_env = (
            facts.render(header.env, source=snip.source, facts=known) if header.env else None
        )
        if snip.run_mode == "bash":
            argv = ["bash", name, *args]
        elif snip.run_mode == "console" and conda_env:  # typed in an active conda env
            argv = ["bash", "-c", f"{activate(conda_env)} && exec bash -e {shlex.quote(name)}"]
        elif snip.run_mode == "console":
            argv = ["bash", "-e", name]
        else:
            argv = ["bash", "-c", python_command(name, conda_env, args)]
        outcome.command = f"cd {workdir} && " + (argv[2] if argv[1] == "-c" else shlex.join(argv))
        if header.gpu and self.existing:  # the login node has no GPU: a job step on the GPU node
            argv = existing.srun_on_gpu(argv, header.timeout, known)
            outcome.command = f"cd {workdir} && " + shlex.join(argv)
        env = self._env()
        if header.prepare:
            prepare = f"{activate(conda_env)} && {header.prepare}" if conda_env else header.prepare
            done = self._sh(["bash", "-ec", prepare], cwd=workdir, env=env)
            if done.returncode:
                raise SnippetError(
                    f"{snip.source}: prepare= failed (exit {done.returncode}): "
                    f"{last_line(done.stdout + done.stderr)}"
                )
        laptop = self.laptop() if header.login else None
        if laptop is not None:
            for path, relpath in header.home:
                laptop.install(relpath, self.render(self.catalog[path]))
            argv, env = laptop.wrap(argv), laptop.env(env)
            outcome.command += f"  (on the reader's computer: HOME={laptop.home})"
            log_from, remote_before = laptop.log_size(), laptop.remote_files()
        fresh = None
        if header.fresh_home:
            # HOME only: a mount over ~ would hide what this machine keeps there (pyenv's
            # Pythons, which the conda stand-in's envs link to); OpenSSH, which ignores
            # HOME, is for `login` snippets (laptop.py).
            fresh = Path(tempfile.mkdtemp(prefix="hpcdocs-home."))
            # The conda stand-in's user config is $CONDARC (real conda's is ~/.condarc).
            env = dict(env, HOME=str(fresh), CONDARC=str(fresh / ".condarc"))
            outcome.command = outcome.command.replace(
                " && ", f" && HOME={fresh} CONDARC={fresh / '.condarc'} ", 1
            )
        mirror_from = file_size(self._mirror_log)
        status, output, timed_out = run_captured(
            argv, workdir, env, header.timeout, input=header.input
        )
        if self._mirror_log and file_size(self._mirror_log) > mirror_from:
            output += "\n" + section("pip mirror's log", read_from(self._mirror_log, mirror_from))
            output += "\n"
        if fresh is not None:
            made = "\n".join(f"~/{p.relative_to(fresh)}" for p in sorted(fresh.rglob("*"))
                             if p.is_file())  # fmt: skip
            output += "\n" + section("files in the throwaway home", made) + "\n"
            shutil.rmtree(fresh, ignore_errors=True)
        if laptop is not None:
            stopped = laptop.stop_leftovers()
            if stopped:
                outcome.details.append(f"left running on the reader's computer, stopped: {stopped}")
            # The login node's record (Accepted publickey for alice ...): expect= may match it.
            output += "\n" + section("login node's sshd log", laptop.log_since(log_from))
            made = laptop.files(workdir, remote_before)
            output += "\n" + section("files made or changed (./ here, ~/ on the login node)", made)
            output += "\n"
        leftover = self._jobs_from(workdir)
        if leftover:
            self._sh(["scancel", *leftover])
        outcome.details.append(section("output", output))
        if timed_out:
            raise SnippetError(
                f"{snip.source}: still running after timeout={header.timeout}s (killed)"
            )
        if status != header.exit:
            raise SnippetError(f"{snip.source}: exit status {status}, expected {header.exit}")
        check_patterns(snip, output, known)
        if leftover:
            outcome.details.append(f"jobs still queued at the end, cancelled: {' '.join(leftover)}")

    def _jobs_from(self, workdir: Path) -> list[str]:
        """Jobs still queued that were submitted from workdir (or below): this snippet's.

        Other sessions share the test cluster: never touch a job from elsewhere.
        """
        done = self._sh(["squeue", "-h", "-o", "%i %Z"])
        jobs = []
        for line in done.stdout.splitlines() if done.returncode == 0 else []:
            jobid, _, where = line.partition(" ")
            if where == str(workdir) or where.startswith(f"{workdir}/"):
                jobs.append(jobid.split("_")[0])
        return sorted(set(jobs))

    def _sh(self, argv: list[str], cwd: Path = ROOT, timeout: int = 30, env=None):
        try:
            return subprocess.run(argv, cwd=cwd, env=env or self._env(), capture_output=True,
                                  text=True, timeout=timeout)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return subprocess.CompletedProcess(argv, 127, "", str(exc))

    # -- jobs on the test cluster ---------------------------------------------------------

    def _job(self, snip: Snippet, workdir: Path, outcome: Outcome) -> None:
        name, header = snip.name, snip.header
        inputs = {p.name for p in workdir.iterdir()}
        if snip.run_mode == "sbatch":
            env = self._env()
            outcome.command = f"cd {workdir} && sbatch {name}"
            if self.existing:
                chosen = existing.partition_env((workdir / name).read_text(), self.test_facts())
                env.update(chosen)
                if chosen:
                    outcome.command = f"cd {workdir} && SBATCH_PARTITION={chosen['SBATCH_PARTITION']} sbatch {name}"
            if header.step_cpus_per_task:
                # Each srun step then gets exactly the CPUs it asks for, and sacct shows them
                # (otherwise a step gets all of the job's CPUs, whatever --cpus-per-task it has).
                env["SLURM_EXACT"] = "1"
                outcome.command = outcome.command.replace(" && ", " && SLURM_EXACT=1 ", 1)
            done = self._sh(["sbatch", name], cwd=workdir, env=env)
            found = re.search(r"Submitted batch job (\d+)", done.stdout)
        else:
            outcome.command = f"cd {workdir} && bsub < {name}"
            done = self._sh(["bash", "-c", f"bsub < {shlex.quote(name)}"], cwd=workdir)
            found = re.search(r"Job <(\d+)> is submitted", done.stdout)
        submit_output = (done.stdout + done.stderr).strip()
        outcome.details.append(section(f"{snip.run_mode} said", submit_output))
        if done.returncode or not found:
            raise SnippetError(
                f"{snip.source}: {snip.run_mode} refused the job: {last_line(submit_output)}"
            )
        jobid = found.group(1)
        outcome.details.insert(0, f"job id: {jobid}")
        if header.signal_early:
            outcome.details.append(self._signal_early(snip, workdir, inputs, jobid))
            outcome.details.append(self._room_after_requeue(snip, jobid))
        try:
            self.cluster.wait_job(jobid, header.timeout)
        except Exception as exc:  # the fixture's own timeout error, whatever its class
            self._sh(["scancel", jobid])
            outcome.details += self._explain(jobid, workdir, inputs)
            raise SnippetError(
                f"{snip.source}: job {jobid} not done after timeout={header.timeout}s "
                f"(cancelled): {exc}"
            ) from None
        states = self._states(jobid)
        outcome.details += self._explain(jobid, workdir, inputs, states)
        wrong = {task: st for task, st in states.items() if st.split()[0] != header.state}
        if not states:
            raise SnippetError(f"{snip.source}: job {jobid}: sacct knows no such job")
        if wrong:
            shown = ", ".join(f"{task} {st}" for task, st in sorted(wrong.items()))
            raise SnippetError(
                f"{snip.source}: job {jobid} ended {shown}; expected state={header.state}"
            )
        try:
            steps = self._steps(jobid) if per_task(header) else []
            records = self._task_records(jobid) if per_task(header) else None
            if records is not None:  # in the report whichever check fails first
                outcome.details.append(section(
                    "each task as it started (the test cluster's TaskProlog)",
                    "\n".join(describe_task(t) for t in records)))  # fmt: skip
            elif per_task(header):  # a real cluster: its TaskProlog is not ours
                outcome.details.append(
                    "task-omp=/task-gpus=/per-task CPUs not checked: only the test "
                    "cluster's TaskProlog records what each task was given"
                )
            if header.step_cpus_per_task:
                check_step_cpus(snip, jobid, steps)
            if records is not None:
                check_tasks(snip, jobid, steps, records)
        finally:
            self._forget_tasks(jobid)
        check_patterns(snip, job_output(workdir, inputs), self.test_facts())

    def _tasks_dir(self) -> Path | None:
        state = self.cluster.env.get("TESTCLUSTER_DIR")
        if self.existing or not getattr(self.cluster, "is_test_cluster", True) or not state:
            return None
        from hpcdocs.testcluster.plan import make_plan

        return make_plan(Path(state)).tasks

    def _task_records(self, jobid: str):
        """The job's task records (hpcdocs.testcluster.tasks); None off the test cluster."""
        directory = self._tasks_dir()
        if directory is None:
            return None
        from hpcdocs.testcluster import tasks

        return tasks.of_job(directory, jobid)

    def _forget_tasks(self, jobid: str) -> None:
        directory = self._tasks_dir()
        if directory is not None:
            from hpcdocs.testcluster import tasks

            tasks.forget(directory, jobid)

    def _signal_early(self, snip: Snippet, workdir: Path, inputs: set[str], jobid: str) -> str:
        """signal-early=REGEX: once the job's output matches, send it the signal its
        `#SBATCH --signal=[B:]SIG@SECONDS` asks for, as Slurm would SECONDS before the
        time limit, unless Slurm has sent it already (the job was requeued). The job
        then takes the path it takes near its time limit (save, requeue) whatever this
        machine's speed; the delivery by Slurm itself is tested in
        tests/cluster/test_signals.py."""
        asked = re.search(
            r"^#SBATCH\s+--signal=(B:)?(?:SIG)?([A-Z0-9]+)@\d+", self.render(snip), re.M
        )
        if not asked:
            raise SnippetError(
                f"{snip.source}: signal-early= but the script has no #SBATCH --signal="
            )
        batch, name = asked.groups()
        pattern = re.compile(snip.header.signal_early, re.M)

        def ready() -> str:
            shown = self._sh(["scontrol", "show", "job", "-o", jobid]).stdout
            if re.search(r"\bRestarts=[1-9]", shown):
                return "requeued"  # Slurm's own signal came first: nothing to send
            if pattern.search(job_output(workdir, inputs)):
                return "output"
            if not re.search(r"\bJobState=(PENDING|RUNNING|REQUEUED|CONFIGURING)\b", shown):
                return "ended"
            return ""

        try:
            got = poll.until(
                ready,
                snip.header.timeout,
                f"{snip.header.signal_early!r} in the output of job {jobid}",
                step=0.2,
            )
        except poll.WaitTimeoutError as exc:
            self._sh(["scancel", jobid])
            raise SnippetError(f"{snip.source}: signal-early=: {exc} (cancelled)") from None
        if got == "requeued":
            return f"signal-early: not sent, job {jobid} was requeued before its output matched"
        if got == "ended":
            raise SnippetError(
                f"{snip.source}: job {jobid} ended before its output matched "
                f"signal-early={snip.header.signal_early!r}"
            )
        argv = ["scancel", f"--signal={name}", *(["--batch"] if batch else []), jobid]
        done = self._sh(argv)
        if done.returncode:
            raise SnippetError(f"{snip.source}: {' '.join(argv)} failed: {last_line(done.stderr)}")
        return (
            f"signal-early: {' '.join(argv)} once the output matched {snip.header.signal_early!r}"
        )

    def _room_after_requeue(self, snip: Snippet, jobid: str) -> str:
        """signal-early=, after the first requeue: raise the job's time limit to the test's
        timeout=, so that the requeued run finishes however slowly this machine runs
        (each requeue waits in the queue, and a loaded machine would need many)."""

        def seen() -> str:
            shown = self._sh(["scontrol", "show", "job", "-o", jobid]).stdout
            if re.search(r"\bRestarts=[1-9]", shown):
                return "requeued"
            if not re.search(
                r"\bJobState=(PENDING|RUNNING|REQUEUED|CONFIGURING|COMPLETING)\b", shown
            ):
                return "ended"
            return ""

        try:
            got = poll.until(seen, snip.header.timeout, f"job {jobid} requeued", step=0.5)
        except poll.WaitTimeoutError:
            return (
                f"signal-early: job {jobid} was not requeued within timeout={snip.header.timeout}s"
            )
        if got == "ended":
            return f"signal-early: job {jobid} ended without a requeue"
        minutes = -(-snip.header.timeout // 60)
        argv = ["scontrol", "update", f"JobId={jobid}", f"TimeLimit={minutes}"]
        done = self._sh(argv)
        said = "" if done.returncode == 0 else f" (failed: {last_line(done.stderr)})"
        return f"signal-early: after the first requeue, {' '.join(argv)}{said}"

    def _states(self, jobid: str) -> dict[str, str]:
        """Final state of each job (and array task) from sacct, waiting out slurmdbd's lag."""
        deadline = time.monotonic() + 15
        while True:
            done = self._sh(["sacct", "-j", jobid, "-X", "-n", "-P", "-o", "JobID,State,ExitCode"])
            states = {}
            for line in done.stdout.splitlines():
                parts = line.split("|")
                if len(parts) >= 3:
                    states[parts[0]] = f"{parts[1]} (exit {parts[2]})"
            final = states and all(s.split()[0] in FINAL_STATES for s in states.values())
            if final or time.monotonic() > deadline:
                return states
            time.sleep(0.3)

    def _steps(self, jobid: str) -> list[tuple[str, str, int, int]]:
        """The job's srun steps from sacct, waiting out slurmdbd's lag (a step is recorded
        with its task count once it ends)."""
        deadline = time.monotonic() + 15
        while True:
            done = self._sh(
                ["sacct", "-j", jobid, "-n", "-P", "-o", "JobID,JobName,NTasks,AllocCPUS"]
            )
            steps = srun_steps(done.stdout)
            if steps or time.monotonic() > deadline:
                return steps
            time.sleep(0.5)

    def _explain(self, jobid: str, workdir: Path, inputs: set[str], states=None) -> list[str]:
        parts = []
        if states:
            parts.append("final state: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
        parts.append(section("output files", job_output(workdir, inputs, headers=True)))
        sacct = self._sh(["sacct", "-j", jobid, "-P", "-o", SACCT_FIELDS])
        parts.append(section(f"sacct -j {jobid}", sacct.stdout + sacct.stderr))
        show = self._sh(["scontrol", "show", "job", jobid])
        parts.append(section(f"scontrol show job {jobid}", show.stdout + show.stderr))
        return parts


# -- helpers ----------------------------------------------------------------------------------


def python_command(name: str, env: str | None, args: list[str]) -> str:
    """The bash line a `python` snippet runs with: in the conda env `env=` if given."""
    run = shlex.join(["python", name, *args])
    if env is None:  # the login node's python (python3 where `python` is missing)
        return f"if command -v python >/dev/null; then {run}; else {shlex.join(['python3', name, *args])}; fi"
    return f"{activate(env)} && {run}"


def activate(env: str) -> str:
    """The bash line that activates the conda env `env`."""
    module = shlex.quote(str(facts.get("modules.conda")))
    return f'module load {module} && eval "$(conda shell.bash hook)" && conda activate {shlex.quote(env)}'


def run_captured(
    argv: list[str], cwd: Path, env: dict, timeout: int, input: str | None = None
) -> tuple[int, str, bool]:
    """(exit status, stdout and stderr interleaved, timed out) of a command, with
    input on its stdin (else none); on a timeout the command and everything it
    started are killed."""
    stdin = subprocess.DEVNULL if input is None else subprocess.PIPE
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=stdin,
                            start_new_session=True)  # fmt: skip
    try:
        out, _ = proc.communicate(None if input is None else input.encode(), timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    return proc.returncode, out.decode("utf-8", "replace"), timed_out


def job_output(workdir: Path, inputs: set[str], headers: bool = False) -> str:
    """The text files a job wrote into its working directory (its output files)."""
    texts = []
    for path in sorted(workdir.rglob("*")):
        if not path.is_file() or path.relative_to(workdir).as_posix() in inputs:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = "(binary file)\n" if headers else ""
        if headers:
            text = f"==> {path.relative_to(workdir)} <==\n{text[-OUTPUT_LIMIT:]}"
        texts.append(text)
    return "".join(t if t.endswith("\n") or not t else t + "\n" for t in texts)


def render_pattern(pattern: str, snip: Snippet, known: dict | None = None) -> str:
    """A header regex with each `{{ cluster.KEY }}` replaced by its value, taken literally."""

    def value(match: re.Match) -> str:
        return re.escape(facts.render(match.group(0), source=snip.source, facts=known))

    return facts.PLACEHOLDER.sub(value, pattern)


def check_patterns(snip: Snippet, output: str, known: dict | None = None) -> None:
    for pattern in snip.header.expect:
        if not re.search(render_pattern(pattern, snip, known), output, re.MULTILINE):
            raise SnippetError(f"{snip.source}: expect={pattern!r} not found in the output")
    for pattern in snip.header.reject:
        found = re.search(render_pattern(pattern, snip, known), output, re.MULTILINE)
        if found:
            raise SnippetError(
                f"{snip.source}: reject={pattern!r} found in the output: {found.group(0)!r}"
            )


def srun_steps(sacct: str) -> list[tuple[str, str, int, int]]:
    """(step, name, tasks, CPUs) of each srun step in the lines of
    `sacct -n -P -o JobID,JobName,NTasks,AllocCPUS`; steps not yet recorded in full are left out."""
    steps = []
    for line in sacct.splitlines():
        parts = line.split("|")
        if (
            len(parts) == 4
            and SRUN_STEP.match(parts[0])
            and parts[2].isdigit()
            and parts[3].isdigit()
        ):
            steps.append((parts[0], parts[1], int(parts[2]), int(parts[3])))
    return steps


def check_step_cpus(snip: Snippet, jobid: str, steps: list[tuple[str, str, int, int]]) -> None:
    """step-cpus-per-task=N: every srun step of the job had N CPUs for each of its tasks."""
    wanted = snip.header.step_cpus_per_task
    if not steps:
        raise SnippetError(
            f"{snip.source}: job {jobid}: sacct shows no srun step; step-cpus-per-task={wanted} "
            "checks the steps that srun starts"
        )
    for step, name, tasks, cpus in steps:
        if tasks == 0 or cpus != wanted * tasks:
            raise SnippetError(
                f"{snip.source}: job {jobid}: step {step} ({name}) had {cpus} CPUs for {tasks} "
                f"task(s), {cpus / max(tasks, 1):g} per task; expected step-cpus-per-task={wanted} "
                f"(Slurm 22.05 and 23.02 srun does not take --cpus-per-task from the job: "
                f"{SRUN_CPUS_PAGE})"
            )


def per_task(header) -> bool:
    """Does the header ask for checks of each task (the test cluster's task records)?"""
    return bool(header.step_cpus_per_task or header.task_omp or header.task_gpus is not None)


def describe_task(task) -> str:
    env = task.env
    cpus = task.cpus()
    shown = [
        f"{task.name}:",
        f"{cpus:g} CPU(s)" if cpus is not None else "CPUs unknown",
        f"(SLURM_CPUS_ON_NODE={env.get('SLURM_CPUS_ON_NODE', '-')} for "
        f"{task.tasks_on_node() or '?'} task(s) on the node),",
        f"SLURM_CPUS_PER_TASK={env.get('SLURM_CPUS_PER_TASK', '(unset)')},",
        f"OMP_NUM_THREADS={env.get('OMP_NUM_THREADS', '(unset)')},",
        f"CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES', '(unset)')}",
    ]
    if "GPU_DEVICES" in env:
        shown.append(f"(may open: {env['GPU_DEVICES'] or 'none'}),")
    else:
        shown[-1] += ","
    shown.append(f"CPUs allowed {env.get('Cpus_allowed_list', '?')}")
    return " ".join(shown)


def check_tasks(snip: Snippet, jobid: str, steps: list[tuple[str, str, int, int]], records) -> None:
    """Each task of every srun step, from the records the test cluster's TaskProlog wrote
    (hpcdocs.testcluster.tasks): one record per task, and in each the CPUs
    (step-cpus-per-task=), OMP_NUM_THREADS (task-omp=) and GPUs (task-gpus=) the task got."""
    if not steps:
        raise SnippetError(
            f"{snip.source}: job {jobid}: sacct shows no srun step; task-omp=, task-gpus= and "
            "step-cpus-per-task= check the tasks that srun starts"
        )
    by_step: dict[str, list] = {}
    for task in records:
        by_step.setdefault(f"{task.job}.{task.step}", []).append(task)
    for step, name, ntasks, _cpus in steps:
        got = by_step.get(step, [])
        if len(got) != ntasks:
            raise SnippetError(
                f"{snip.source}: job {jobid}: step {step} ({name}) ran {ntasks} task(s), the "
                f"test cluster's TaskProlog recorded {len(got)} (hpcdocs.testcluster.tasks)"
            )
        for task in got:
            _check_task(snip, task)


def _check_task(snip: Snippet, task) -> None:
    header, env = snip.header, task.env
    wanted = header.step_cpus_per_task
    if wanted:
        cpus = task.cpus()
        if cpus != wanted:
            raise SnippetError(
                f"{snip.source}: {task.name} had "
                f"{'unknown' if cpus is None else f'{cpus:g}'} CPU(s) "
                f"(SLURM_CPUS_ON_NODE={env.get('SLURM_CPUS_ON_NODE', '-')} for "
                f"{task.tasks_on_node() or '?'} task(s) on the node, although "
                f"SLURM_CPUS_PER_TASK={env.get('SLURM_CPUS_PER_TASK', '(unset)')}); expected "
                f"step-cpus-per-task={wanted} ({SRUN_CPUS_PAGE})"
            )
    if header.task_omp:
        omp = env.get("OMP_NUM_THREADS")
        if omp != (None if header.task_omp == "unset" else header.task_omp):
            raise SnippetError(
                f"{snip.source}: {task.name} started with OMP_NUM_THREADS="
                f"{'(unset)' if omp is None else omp}; expected task-omp={header.task_omp}"
            )
    if header.task_gpus is not None:
        gpus = task.gpus()
        count = len(gpus) if gpus is not None else None
        if count != header.task_gpus and not (header.task_gpus == 0 and gpus is None):
            raise SnippetError(
                f"{snip.source}: {task.name} started with CUDA_VISIBLE_DEVICES="
                f"{'(unset)' if gpus is None else env['CUDA_VISIBLE_DEVICES']}; "
                f"expected task-gpus={header.task_gpus}"
            )
        devices = env.get("GPU_DEVICES")
        opened = [d for d in (devices or "").split(",") if d]
        if devices is not None and len(opened) != header.task_gpus:
            raise SnippetError(
                f"{snip.source}: {task.name} may open {len(opened)} GPU device(s) "
                f"({devices or 'none'}, by the device cgroup); expected task-gpus={header.task_gpus}"
            )


def section(title: str, text: str) -> str:
    text = text if len(text) <= OUTPUT_LIMIT else "...\n" + text[-OUTPUT_LIMIT:]
    return f"--- {title} ---\n{text.rstrip() or '(nothing)'}"


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def report(snip: Snippet, outcome: Outcome) -> str:
    """The failure report: what, where it is shown, what ran, what came out."""
    pages = ", ".join(snip.pages) or "no page"
    lines = [outcome.reason, f"snippet: {snip.source}", f"included by: {pages}",
             f"tier: {outcome.tier}"]  # fmt: skip
    if outcome.command:
        lines.append(f"command: {outcome.command}")
    return "\n".join(lines + outcome.details)
