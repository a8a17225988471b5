"""What docs/*/conda.md says about the torch environment and Jupyter kernels, checked.

- The build of PyTorch: the page says a plain `pip install torch==2.13.0` gives
  PyPI's CUDA 13.0 build and that only the test cluster (a local copy of PyPI)
  gets the CPU build. The test reads the build really installed in the test
  cluster's `torch` environment (conda/09-create-torch-env.sh) next to what the
  page says, and, where pypi.org answers, what PyPI itself would install.
- The build-changing commands (conda/10-*.console) pin the build's local label
  (`+cpu`, `+cuNNN`) that their index serves; without it pip keeps whatever
  2.13.0 is installed. The CUDA build is one PyTorch 2.13 makes, for a CUDA
  the GPU nodes' driver supports.
- conda/19-jupyter-kernel.console runs as written, with JUPYTER_DATA_DIR in a
  temporary directory (what `--user` writes goes there, not to ~/.local), and
  registers a kernel whose argv starts with the environment's own python.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from hpcdocs import ROOT, facts
from hpcdocs.snippettests import Catalog, console
from hpcdocs.snippettests.runner import Runner
from hpcdocs.snippettests.static import env_without_venv

PAGES = {lang: ROOT / "docs" / lang / "conda.md" for lang in ("zh", "en")}
SNIPPETS = ROOT / "snippets" / "conda"
# CUDA builds of PyTorch 2.13 on download.pytorch.org (pytorch/pytorch RELEASE.md,
# compatibility matrix: stable 12.6 and 13.0, experimental 13.2; the 12.8 builds ended with 2.11).
TORCH_213_CUDA = ("12.6", "13.0", "13.2")
# How each page says "the test cluster", "CPU build" and "CUDA 13.0 build".
WORDS = {
    "zh": {"test": "测试集群", "cpu": "CPU 版", "real": "真实集群"},
    "en": {"test": "test cluster", "cpu": "CPU build", "real": "real cluster"},
}


def annotations(lang: str, include: str) -> str:
    """The numbered notes under the code block that includes `include`."""
    lines = PAGES[lang].read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if f'--8<-- "{include}"' in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    notes = []
    for line in lines[end + 1 :]:
        if not line.strip() and notes and not notes[-1]:
            break
        if line.strip() and not re.match(r"^(\d+\.|    )", line):
            break
        notes.append(line.strip())
    return " ".join(n for n in notes if n)


def shell(cluster, cmd: str, timeout: float = 600, extra_env: dict | None = None, cwd=None):
    env = {**env_without_venv(dict(cluster.env)), **(extra_env or {})}
    return subprocess.run(
        ["bash", "-c", cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


# -- what the page says -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", PAGES)
def test_page_puts_the_cpu_build_on_the_test_world_only(lang):
    note = annotations(lang, "conda/09-create-torch-env.sh")
    words = WORDS[lang]
    assert note, f"docs/{lang}/conda.md: no notes under create-torch-env.sh"
    # A plain install from PyPI is CUDA 13.0; the CPU build is the test cluster's.
    assert "PyPI" in note and "CUDA 13.0" in note, note
    assert words["test"] in note and "2.13.0+cpu" in note, note
    first = note.split("2. ")[0]
    sentences = re.split(r"(?<=。)|(?<=\.)\s+", first)
    sentence_with_cpu = [s for s in sentences if words["cpu"] in s]
    assert sentence_with_cpu and all(words["test"] in s for s in sentence_with_cpu), (
        f"docs/{lang}/conda.md says the CPU build outside a sentence about the test cluster: {note}"
    )


def pinned(snippet: str) -> tuple[str, str, str]:
    """(version, local label, index build) of the pip install in a snippet (conda/ by default)."""
    text = (SNIPPETS / snippet if "/" not in snippet else ROOT / "snippets" / snippet).read_text(
        encoding="utf-8"
    )
    line = next(c for _, c in console.commands(text) if "pip install" in c)
    found = re.search(r"torch==([\d.]+)(?:\+(\w+))?\s.*download\.pytorch\.org/whl/(\w+)", line)
    assert found, f"snippets/conda/{snippet}: no `torch==... --index-url ...` in {line!r}"
    return found.group(1), found.group(2) or "", found.group(3)


def test_build_changing_commands_pin_the_build_of_their_index():
    plain = re.search(
        r"torch==([\d.]+)\s", (SNIPPETS / "09-create-torch-env.sh").read_text("utf-8")
    )
    for snippet in ("10-torch-cpu.console", "10-torch-cuda.console"):
        version, label, index = pinned(snippet)
        assert version == plain.group(1), f"{snippet}: torch {version}, the env script {plain[1]}"
        # Without the label, `Requirement already satisfied` by the 2.13.0 already there.
        assert label == index, f"{snippet}: pin torch=={version}+{index} for the {index} index"
    assert pinned("10-torch-cpu.console")[2] == "cpu"


@pytest.mark.parametrize("snippet", ["10-torch-cuda.console", "pytorch/02-install-cuda.console"])
def test_cuda_build_exists_and_the_driver_supports_it(snippet):
    version, label, index = pinned(snippet)
    assert label == index, f"{snippet}: pin torch=={version}+{index} for the {index} index"
    found = re.fullmatch(r"cu(\d+)(\d)", index)
    assert found, index
    cuda = f"{found.group(1)}.{found.group(2)}"
    assert version.startswith("2.13.") and cuda in TORCH_213_CUDA, (
        f"PyTorch {version} has no CUDA {cuda} build (it has {', '.join(TORCH_213_CUDA)})"
    )
    driver = facts.load(ROOT / "cluster.yml")["cuda_version"]
    as_tuple = lambda v: tuple(int(x) for x in str(v).split("."))  # noqa: E731
    assert as_tuple(cuda) <= as_tuple(driver), f"CUDA {cuda} is newer than the driver's {driver}"
    newest = max((c for c in TORCH_213_CUDA if as_tuple(c) <= as_tuple(driver)), key=as_tuple)
    assert cuda == newest, f"CUDA {newest} is the newest build the driver supports, not {cuda}"
    for lang in PAGES:
        page = PAGES[lang].read_text(encoding="utf-8")
        assert f"+{index}" in page and "12.8" in page, f"docs/{lang}/conda.md: +{index} unexplained"


# -- what the test world really installs --------------------------------------------------------


@pytest.fixture(scope="module")
def torch_env(cluster):
    """The torch environment, made by the page's own script (reused when it is there)."""
    catalog = Catalog.load()
    got = Runner(catalog, cluster).outcome(catalog["conda/09-create-torch-env.sh"])
    assert got.outcome == "passed", got.reason
    return cluster


def test_installed_build_is_what_the_page_says_the_test_world_gets(torch_env):
    probe = (
        "import json, importlib.metadata as m, torch; print(json.dumps({"
        "'version': torch.__version__, 'cuda': torch.version.cuda, "
        "'requires': m.requires('torch') or []}))"
    )
    done = shell(
        torch_env,
        f'module load {facts.load()["modules"]["conda"]} && eval "$(conda shell.bash hook)" '
        f"&& conda activate torch && python -c {json.dumps(probe)}",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    build = json.loads(done.stdout.strip().splitlines()[-1])
    # The test world: the CPU build from the local copy of PyPI, no NVIDIA packages.
    assert build["cuda"] is None, build
    assert not [r for r in build["requires"] if r.startswith(("nvidia", "cuda-toolkit"))], build
    for lang in PAGES:
        note = annotations(lang, "conda/09-create-torch-env.sh")
        assert build["version"] in note, f"docs/{lang}/conda.md does not name {build['version']}"


def _pypi_reachable() -> bool:
    try:
        urllib.request.urlopen("https://pypi.org/simple/torch/", timeout=10).close()
        return True
    except OSError:
        return False


def test_pypi_itself_serves_the_cuda_13_build(tmp_path):
    """What a cluster with PyPI gets: resolved against pypi.org only, nothing installed."""
    if not _pypi_reachable():
        pytest.skip("pypi.org is out of reach from here")
    report = tmp_path / "report.json"
    env = {"PIP_CONFIG_FILE": "/dev/null", "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in os.environ.items() if k in ("PIP_CERT", "SSL_CERT_FILE")})
    venv = tmp_path / "venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--quiet",
         "--ignore-installed", "--index-url", "https://pypi.org/simple",
         "--report", str(report), "torch==2.13.0"],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode:
        pytest.skip(f"pip could not resolve against pypi.org: {done.stderr[-300:]}")
    names = {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in json.loads(
        report.read_text())["install"]}  # fmt: skip
    assert names["torch"] == "2.13.0"
    assert names.get("cuda-toolkit", "").startswith("13.0"), names
    assert any(n.startswith("nvidia-") and n.endswith("-cu13") for n in names), names


# -- Jupyter ---------------------------------------------------------------------------------------


def test_jupyter_kernel_snippet_registers_the_environments_python(cluster, tmp_path):
    catalog = Catalog.load()
    got = Runner(catalog, cluster).outcome(catalog["conda/02-create.console"])  # the `sci` env
    assert got.outcome == "passed", got.reason
    snippet = catalog["conda/19-jupyter-kernel.console"]
    home_kernel = Path.home() / ".local" / "share" / "jupyter" / "kernels" / "sci"
    was_there = home_kernel.exists()
    data = tmp_path / "jupyter-data"
    work = tmp_path / "work"
    work.mkdir()
    (work / "kernel.sh").write_text(console.script(snippet.rendered()), encoding="utf-8")
    done = shell(
        cluster, "bash -e kernel.sh", timeout=900, extra_env={"JUPYTER_DATA_DIR": str(data)},
        cwd=work,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert home_kernel.exists() == was_there, "the snippet wrote into ~/.local after all"
    kernel = data / "kernels" / "sci"
    assert f"Installed kernelspec sci in {kernel}" in output, output
    assert re.search(rf"^\s+sci\s+{re.escape(str(kernel))}$", output, re.M), output
    spec = json.loads((kernel / "kernel.json").read_text())
    assert spec["display_name"] == "Python (sci)"
    where = shell(
        cluster,
        f'module load {facts.load()["modules"]["conda"]} && eval "$(conda shell.bash hook)" '
        "&& conda activate sci && python -c 'import sys; print(sys.executable)'",
        timeout=120,
    )
    env_python = where.stdout.strip().splitlines()[-1]
    assert "/sci/" in env_python, where.stdout + where.stderr
    argv = spec["argv"]
    assert argv[0] == env_python, argv  # the environment's own python, not the login node's
    assert argv[argv.index("-m") + 1] == "ipykernel_launcher", argv
