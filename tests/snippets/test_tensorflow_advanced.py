"""What tensorflow-advanced.md says beyond its snippets' own `# test:` lines.

- The requeue program installs its SIGUSR1 handler before it imports TensorFlow
  (the import takes seconds, and SIGUSR1's default action kills the process), and
  its job script asks for that signal for the job steps, not only the batch shell.
- The mixed_float16 branch of tf_setup.configure(), which only a GPU of compute
  capability 7.0 or higher takes, run on the CPU by replacing configure() for the
  test: the hidden layers compute in float16 and the output layer stays float32.
"""

from __future__ import annotations

import ast
import re
import shlex

import pytest
from hpcdocs import ROOT
from hpcdocs.snippettests.runner import python_command, report

HERE = ROOT / "snippets" / "tensorflow-advanced"
REQUEUE_SCRIPT = HERE / "04-requeue.sh"
REQUEUE_PROGRAM = HERE / "requeue_train.py"
TF_MODULES = {"tensorflow", "keras", "tf_keras", "tf_setup"}


def first_line(tree: ast.Module, wanted) -> int:
    lines = [node.lineno for node in tree.body if wanted(node)]
    assert lines, "not found"
    return lines[0]


def is_tf_import(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in TF_MODULES for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] in TF_MODULES
    return False


def is_usr1_handler(node: ast.stmt) -> bool:
    text = ast.unparse(node)
    return text.startswith("signal.signal(signal.SIGUSR1,") and "SIG_IGN" not in text


def test_the_signal_handler_comes_before_tensorflow_is_imported():
    tree = ast.parse(REQUEUE_PROGRAM.read_text(encoding="utf-8"))
    handler = first_line(tree, is_usr1_handler)
    imported = first_line(tree, is_tf_import)
    assert handler < imported, (
        f"{REQUEUE_PROGRAM.name}:{imported}: TensorFlow is imported before the SIGUSR1 handler "
        f"(line {handler}); a signal during the import would kill the job"
    )


def test_the_job_asks_for_sigusr1_for_its_steps_and_may_be_requeued():
    text = REQUEUE_SCRIPT.read_text(encoding="utf-8")
    signals = re.findall(r"^#SBATCH --signal=(\S+)", text, re.MULTILINE)
    assert len(signals) == 1, f"{REQUEUE_SCRIPT.name}: expected one --signal=, found {signals}"
    match = re.fullmatch(r"(B:)?(?:SIG)?USR1@([0-9]+)", signals[0])
    assert match, f"{REQUEUE_SCRIPT.name}: --signal={signals[0]} is not USR1@SECONDS"
    assert not match[1], f"{REQUEUE_SCRIPT.name}: B: signals only the batch shell, not srun's tasks"
    assert int(match[2]) >= 60, "Slurm may signal up to a minute early; leave time to save"
    assert re.search(r"^#SBATCH --requeue\b", text, re.MULTILINE)
    assert re.search(r"^srun .*requeue_train\.py", text, re.MULTILINE), (
        "the program runs under srun"
    )


FORCED = """
import runpy, keras, tf_setup
configure = tf_setup.configure
def forced():
    cpus = configure()
    keras.mixed_precision.set_global_policy("mixed_float16")
    print("policy forced for the test: mixed_float16")
    return cpus
tf_setup.configure = forced
runpy.run_path("train.py", run_name="__main__")
"""


@pytest.mark.cluster
def test_mixed_float16_keeps_the_output_layer_in_float32(
    runner, catalog, snippet_cluster, tmp_path
):
    env = catalog["conda/11-create-tf-env.sh"]
    made = runner.outcome(env)
    assert made.passed, report(env, made)
    for name in ("train.py", "tf_setup.py"):
        text = runner.render(catalog[f"tensorflow-advanced/{name}"])
        (tmp_path / name).write_text(text, encoding="utf-8")
    command = f"cd {shlex.quote(str(tmp_path))} && TF_CPP_MIN_LOG_LEVEL=2 " + python_command(
        "-c", "tf", [FORCED]
    )
    done = snippet_cluster.bash(command, timeout=240)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "policy forced for the test: mixed_float16" in out, out
    assert re.search(r"^layers compute in float16, output in float32$", out, re.MULTILINE), out
    assert re.search(r"^accuracy after 3 epochs: 0\.[5-9]", out, re.MULTILINE), out
