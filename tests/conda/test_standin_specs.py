"""The stand-in's translation of conda specs to pip: names, versions, the torch pin, refusals."""

import pytest
from hpcdocs.condastandin import specs
from hpcdocs.condastandin.state import RefusalError


@pytest.mark.parametrize(
    ("conda_spec", "pip"),
    [
        ("numpy", "numpy"),
        ("numpy=1.26", "numpy==1.26.*"),
        ("numpy==1.26.4", "numpy==1.26.4"),
        ("numpy>=1.26,<2", "numpy>=1.26,<2"),
        ("numpy=1.26.*", "numpy==1.26.*"),
        ("numpy!=1.26.0", "numpy!=1.26.0"),
        ("conda-forge::pandas>=2", "pandas>=2"),
        ("scikit-learn=1.5", "scikit-learn==1.5.*"),
        ("matplotlib-base", "matplotlib"),
        ("pytorch-lightning>=2.4", "pytorch-lightning>=2.4"),
        ("lightning", "lightning"),
        ("pkg 1.2.* py311*", "pkg==1.2.*"),
        ("numpy==1.26.*", "numpy==1.26"),
    ],
)
def test_translation(conda_spec, pip):
    assert specs.plan([conda_spec]).requirements == [pip]


@pytest.mark.parametrize(
    "conda_spec",
    [
        "pytorch",
        "pytorch=2.13",
        "pytorch>=2.0",
        "pytorch==2.13.0",
        "pytorch::pytorch",
        "pytorch>=2.5,<3",
        "torch",
        "pytorch=2.13.0=py3.11_cpu_0",
    ],
)
def test_torch_is_always_2_13_0(conda_spec):
    assert specs.plan([conda_spec]).requirements == ["torch==2.13.0"]


@pytest.mark.parametrize(
    "conda_spec", ["pytorch=2.5", "pytorch<2", "pytorch==2.4.1", "torch>=2.14"]
)
def test_other_torch_is_refused(conda_spec):
    with pytest.raises(RefusalError, match="only torch 2.13.0"):
        specs.plan([conda_spec])


@pytest.mark.parametrize(
    ("line", "result"),
    [
        ("torch", "torch==2.13.0"),
        ("torch>=2.0", "torch==2.13.0"),
        ("numpy>=1.26", "numpy>=1.26"),
        ("-r requirements.txt", "-r requirements.txt"),
    ],
)
def test_pip_lines(line, result):
    assert specs.check_pip_requirement(line) == result


def test_pip_line_with_other_torch_is_refused():
    with pytest.raises(RefusalError, match="only torch 2.13.0"):
        specs.check_pip_requirement("torch==2.4.0")


@pytest.mark.parametrize(
    ("conda_spec", "reason"),
    [
        ("cudatoolkit=11.8", "conda channels only"),
        ("pytorch-cuda=12.1", "retired conda channel"),
        ("cuda-toolkit", "conda channels only"),
        ("tensorflow-gpu", "retired"),
        ("numpy=1.25|1.26", "'|' (or) has no pip equivalent"),
        ("numpy=>1.2", "InvalidMatchSpec"),
    ],
)
def test_refusals(conda_spec, reason):
    with pytest.raises(
        RefusalError, match=reason.replace("|", r"\|").replace("(", r"\(").replace(")", r"\)")
    ):
        specs.plan([conda_spec])


def test_python_pip_and_channels_are_noted():
    plan = specs.plan(["python=3.11", "pip", "cpuonly", "conda-forge::six"])
    assert plan.python == "3.11.*" and plan.requirements == ["six"]
    assert any("cpuonly" in n for n in plan.notes)
    assert any("channel 'conda-forge' ignored" in n for n in plan.notes)


def test_choose_python_from_pyenv(tmp_path, monkeypatch):
    for version in ("3.10.13", "3.11.2", "3.11.7", "3.13.0", "2.7.18"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "python3").touch()
    monkeypatch.setenv("CONDA_STANDIN_PYTHONS", str(tmp_path))
    assert specs.choose_python("3.11.*")[0] == "3.11.7"
    assert specs.choose_python(">=3.10,<3.12")[0] == "3.11.7"
    assert specs.choose_python("3.11.2")[0] == "3.11.2"
    monkeypatch.setenv("CONDA_STANDIN_DEFAULT_PYTHON", "3.10")
    assert specs.choose_python(None)[0] == "3.10.13"
    with pytest.raises(RefusalError, match=r"python=3.9 is not available here: .*3.10, 3.11, 3.13"):
        specs.choose_python("3.9.*")
    with pytest.raises(RefusalError, match="python=2.7 is not available"):
        specs.choose_python("2.7.*")


def test_torch_wheel_must_match_python(tmp_path, monkeypatch):
    (tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").touch()
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    assert specs.torch_wheel_ok("3.11.7") and not specs.torch_wheel_ok("3.12.1")
