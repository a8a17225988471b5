"""`conda init` (snippets/conda/04-init.console) works at the next login, as docs/*/conda.md says.

The snippet itself runs as a test in a throwaway home (`fresh-home`: it must make
~/.bashrc and ~/.condarc there). This test does what a reader does on the login
node: as the test user alice, through the test cluster's login node (Debian's
sshd, hpcdocs.testcluster.login), it types the snippet's commands, logs out and
logs in again (`ssh -tt`: a login shell on a terminal, which reads ~/.profile
and through it ~/.bashrc, as the account's Debian start-up files do), and checks
that `conda` is now the shell function that `conda activate` needs, without any
`module load` in that session. The same login before `conda init` must not have
it, so the check can fail. alice's start-up files are put back afterwards.

What the test world supplies: MODULEPATH (a real login node has the site's
modulefiles on it; alice's session here gets `module use` of the test cluster's),
and CONDARC=~/.condarc (the conda stand-in keeps its user settings in $CONDARC,
real conda in ~/.condarc).
Not checked: the `(base)` prompt and `auto_activate_base false` (the conda
stand-in's hook activates no base environment).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from hpcdocs import facts
from hpcdocs.snippettests import Catalog, console

pytestmark = pytest.mark.cluster

SNIPPET = "conda/04-init.console"
LOGIN_CHECK = (
    'echo "conda is: $(type -t conda || echo missing)"\n'
    'conda activate base && echo "active env: $CONDA_DEFAULT_ENV"\n'
    "exit\n"
)


@pytest.fixture
def login_node(cluster):
    cluster.require_test_cluster("logs in to the test cluster's login node as its test user")
    from hpcdocs.snippettests.laptop import Laptop
    from hpcdocs.testcluster import login
    from hpcdocs.testcluster.plan import make_plan

    plan = make_plan(Path(cluster.env["TESTCLUSTER_DIR"]))
    if login.running(plan) is None:
        pytest.fail(f"the test cluster's login node is not running (log: {login.log_file(plan)})")
    home = login.home(plan)
    kept = {name: (home / name).read_bytes() if (home / name).exists() else None
            for name in (".bashrc", ".condarc", ".profile", ".bash_history")}  # fmt: skip
    laptop = Laptop(plan)
    try:
        yield plan, laptop
    finally:
        laptop.close()
        for name, data in kept.items():
            path = home / name
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)


def ssh(plan, laptop, args: list[str], stdin: str, env: dict) -> subprocess.CompletedProcess:
    from hpcdocs.testcluster import login

    argv = laptop.wrap(["ssh", *args, f"{login.USER}@{login.host(plan)}"])
    return subprocess.run(argv, input=stdin, env=laptop.env(env), capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_conda_init_gives_conda_activate_at_the_next_login(cluster, login_node):
    plan, laptop = login_node
    snip = Catalog.load()[SNIPPET]
    commands = console.script(facts.render(snip.text, source=snip.source))
    env = dict(os.environ)
    relogin = ["-tt", "-o", "LogLevel=ERROR"]  # a login shell on a terminal, as a person gets

    before = ssh(plan, laptop, relogin, LOGIN_CHECK, env)
    assert "conda is: missing" in before.stdout, before.stdout + before.stderr

    # The reader's session: the site's modulefiles (MODULEPATH), then the page's commands.
    typed = (f"module use {shlex.quote(str(plan.modulefiles))}\n"
             f'export CONDARC="$HOME/.condarc"\nset -e\n{commands}')  # fmt: skip
    done = ssh(plan, laptop, [], typed, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "modified      /home/alice/.bashrc" in done.stdout, done.stdout + done.stderr
    bashrc = (plan.state / "login" / "home" / "alice" / ".bashrc").read_text()
    assert bashrc.count("# >>> conda initialize >>>") == 1
    condarc = (plan.state / "login" / "home" / "alice" / ".condarc").read_text()
    assert "auto_activate_base: false" in condarc, condarc

    after = ssh(plan, laptop, relogin, LOGIN_CHECK, env)
    assert "conda is: function" in after.stdout, after.stdout + after.stderr
    assert "active env: base" in after.stdout, after.stdout + after.stderr
