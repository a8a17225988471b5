"""conda's MatchSpec grammar: what parses, what conda would refuse, and version matching."""

import pytest
from hpcdocs.condagrammar.matchspec import MatchSpecError, VersionSpec, parse


@pytest.mark.parametrize(
    ("text", "name", "version", "build", "channel"),
    [
        ("numpy", "numpy", None, None, None),
        ("numpy>=1.26", "numpy", ">=1.26", None, None),
        ("numpy>=1.26,<2", "numpy", ">=1.26,<2", None, None),
        ("python=3.11", "python", "3.11.*", None, None),
        ("python=3.11=h955ad1f_0", "python", "3.11", "h955ad1f_0", None),
        ("pkg==1.2.3", "pkg", "==1.2.3", None, None),
        ("pkg=1.2.*", "pkg", "1.2.*", None, None),
        ("pkg 1.2.* py311*", "pkg", "1.2.*", "py311*", None),
        ("conda-forge::numpy", "numpy", None, None, "conda-forge"),
        ("conda-forge::numpy>=1.26", "numpy", ">=1.26", None, "conda-forge"),
        ("numpy[version='>=1.26',build=py311*]", "numpy", ">=1.26", "py311*", None),
        ("python=3.10|3.11", "python", "3.10|3.11", None, None),
        ("scikit-learn!=1.5.0", "scikit-learn", "!=1.5.0", None, None),
        ("pytorch-lightning~=2.4", "pytorch-lightning", "~=2.4", None, None),
    ],
)
def test_valid_specs(text, name, version, build, channel):
    spec = parse(text)
    assert (spec.name, spec.version, spec.build, spec.channel) == (name, version, build, channel)


def test_channel_with_subdir():
    spec = parse("conda-forge/linux-64::numpy")
    assert (spec.channel, spec.subdir, spec.name) == ("conda-forge", "linux-64", "numpy")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("numpy=>1.2", "'=>' is not an operator"),
        ("numpy>=", "invalid operator"),
        ("numpy==", "invalid operator"),
        ("numpy[cuda]", "pip-style extras"),
        ("python=3.11.", "empty version component"),
        ("numpy>=1.2<2", "invalid character"),
        ("pkg~=1.2.*", "invalid operator with '.*'"),
        ("numpy[colour=red]", "unknown bracket key"),
        ("::numpy", "empty channel"),
        ("numpy>=1.2,", "empty term"),
        ("num$py", "invalid package name"),
    ],
)
def test_invalid_specs(text, reason):
    with pytest.raises(MatchSpecError, match=reason.replace("(", r"\(").replace("[", r"\[")):
        parse(text)


def test_upper_case_name_warns():
    assert parse("NumPy").warnings and parse("NumPy").name == "numpy"


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        ("3.11.*", "3.11.7", True),
        ("3.11.*", "3.1", False),
        ("3.1.*", "3.11.7", False),
        (">=2.0,<3", "2.13.0", True),
        (">=2.0,<3", "3.0", False),
        ("3.10|3.11.*", "3.11.7", True),
        ("2.13", "2.13.0", True),
        ("!=2.13.0", "2.13.0", False),
        ("~=2.13", "2.14.1", True),
        ("~=2.13.0", "2.14.1", False),
        ("*", "0.1", True),
    ],
)
def test_version_matching(spec, version, expected):
    assert VersionSpec(spec).matches(version) is expected


def test_double_equals_with_star_is_exact_in_conda():
    spec = parse("numpy==1.26.*")
    assert spec.warnings and "conda ignores the .*" in spec.warnings[0]
    assert not spec.version_spec().matches("1.26.4") and spec.version_spec().matches("1.26")
    assert parse("numpy>=1.26.*").warnings == []
