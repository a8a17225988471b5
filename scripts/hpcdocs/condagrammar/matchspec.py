"""conda's package match specs (MatchSpec), parsed with conda's own rules.

A match spec names a package and may constrain it:

    numpy                      numpy>=1.26            numpy>=1.26,<2
    python=3.11                python=3.11=h1234_0    pkg==1.2.3
    pkg=1.2.*                  "pkg 1.2.* py311*"     conda-forge::numpy
    conda-forge/linux-64::numpy                       numpy[version='>=1.26',build=py311*]
    "python=3.10|3.11"

The rules follow conda.models.match_spec (``_parse_spec_str``) and
conda.models.version (``VersionSpec``, ``VersionOrder``), conda 24.x/25.x:
names are lower case letters, digits and ``-_.`` (``*`` in a search);
versions use the characters ``0-9 a-z . _ + ! *`` (a dash counts as an
underscore); a relation is one of ``== != <= >= < > = ~=`` followed by a
version, never by another operator sign (``=>`` is an error); ``,`` is AND,
``|`` is OR; a single ``=`` after the name means "this version or any
sub-version" (``numpy=1.26`` is ``numpy 1.26.*``); bracket keys are the
MatchSpec fields. A bad spec raises MatchSpecError with conda's reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# MatchSpec fields that may appear inside [...] (conda.models.match_spec.MatchSpec.FIELD_NAMES
# plus the aliases conda accepts there).
BRACKET_KEYS = {
    "name",
    "version",
    "build",
    "build_number",
    "channel",
    "subdir",
    "fn",
    "md5",
    "sha256",
    "url",
    "license",
    "license_family",
    "features",
    "track_features",
    "namespace",
    "target",
}

RELATIONS = ("==", "!=", "<=", ">=", "~=", "<", ">", "=")
_RELATION_RE = re.compile(r"^(==|!=|<=|>=|~=|<|>|=)(?![=<>!~])(\S+)$")
_VERSION_CHARS_RE = re.compile(r"^[*.+!_0-9a-z]+$")
_NAME_RE = re.compile(r"^[a-z0-9_.*][a-z0-9_.*\-]*$")
_BUILD_RE = re.compile(r"^[A-Za-z0-9_.*+!\-]+$")
_PACKAGE_FILE_RE = re.compile(r"(\.tar\.bz2|\.conda)$")


class MatchSpecError(ValueError):
    """A string that is not a valid conda match spec."""


@dataclass
class MatchSpec:
    """One parsed match spec."""

    text: str
    name: str
    version: str | None = None  # conda's version spec, e.g. "1.26.*" or ">=1.26,<2"
    build: str | None = None
    channel: str | None = None
    subdir: str | None = None
    brackets: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def version_spec(self) -> VersionSpec | None:
        return VersionSpec(self.version) if self.version else None


# ---------------------------------------------------------------- versions


def _check_version(raw: str, whole: str) -> str:
    """Validate one version string the way conda's VersionOrder does."""
    version = raw.strip().lower().replace("-", "_")
    if not version:
        raise MatchSpecError(f"invalid version '{whole}': empty version")
    if version.endswith(".*"):
        body = version[:-2]
    else:
        body = version.rstrip("*")
    if not body and version.strip("*.") == "":
        return version  # "*" alone
    if not _VERSION_CHARS_RE.match(version):
        bad = sorted(set(c for c in version if not re.match(r"[*.+!_0-9a-z]", c)))
        raise MatchSpecError(f"invalid version '{whole}': invalid character(s) {' '.join(bad)}")
    if version.count("!") > 1:
        raise MatchSpecError(f"invalid version '{whole}': duplicated epoch separator '!'")
    if version.count("+") > 1:
        raise MatchSpecError(f"invalid version '{whole}': duplicated local version separator '+'")
    main = body.split("!")[-1].split("+")[0]
    if main and ("" in main.split(".") or main.startswith("_") or main.endswith("_")):
        raise MatchSpecError(f"invalid version '{whole}': empty version component")
    return version


def _split_top(text: str, sep: str) -> list[str]:
    """Split on sep outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise MatchSpecError(f"invalid version spec '{text}': unbalanced ')'")
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth:
        raise MatchSpecError(f"invalid version spec '{text}': unbalanced '('")
    parts.append(text[start:])
    return parts


def _version_key(version: str, strip: bool = True) -> list:
    """A sort key close to conda's VersionOrder for ordinary versions."""
    version = version.lower().replace("-", "_")
    epoch = 0
    if "!" in version:
        head, version = version.split("!", 1)
        epoch = int(head or 0)
    version = version.split("+")[0]
    key: list = [epoch]
    for part in re.split(r"[._]", version):
        for piece in re.findall(r"\d+|[a-z]+", part):
            # conda orders strings before numbers ("1.0a" < "1.0"), except "post"
            key.append((1, int(piece)) if piece.isdigit() else (0 if piece != "post" else 2, piece))
    while strip and len(key) > 1 and key[-1] == (1, 0):
        key.pop()
    return key


class VersionSpec:
    """conda's version spec: terms joined by ',' (and) and '|' (or)."""

    def __init__(self, spec: str):
        self.spec = spec.strip()
        if not self.spec:
            raise MatchSpecError("invalid version spec: empty")
        self._tree = self._parse(self.spec)

    def _parse(self, text: str):
        text = text.strip()
        if not text:
            raise MatchSpecError(f"invalid version spec '{self.spec}': empty term")
        alternatives = _split_top(text, "|")
        if len(alternatives) > 1:
            return ("or", [self._parse(a) for a in alternatives])
        terms = _split_top(text, ",")
        if len(terms) > 1:
            return ("and", [self._parse(t) for t in terms])
        if text.startswith("(") and text.endswith(")"):
            return self._parse(text[1:-1])
        return self._term(text)

    def _term(self, term: str):
        if term in ("*", "*.*"):
            return ("any", None)
        if term[0] in "=<>!~":
            match = _RELATION_RE.match(term)
            if not match:
                raise MatchSpecError(
                    f"invalid version spec '{self.spec}': invalid operator in '{term}'"
                )
            op, version = match.groups()
            _check_version(version, self.spec)
            if version.endswith("*"):
                # conda's VersionSpec: "=" and ">=" drop the ".*", "!=" means "not starting
                # with", "~=" is an error, and the others warn and drop it.
                if op == "~=":
                    raise MatchSpecError(
                        f"invalid version spec '{self.spec}': invalid operator with '.*'"
                    )
                stem = version.rstrip("*").rstrip(".")
                if op == "=":
                    return ("startswith", stem)
                if op == "!=":
                    return ("not-startswith", stem)
                return (op, stem)
            return (op if op != "=" else "startswith", version)
        _check_version(term, self.spec)
        if term.endswith(".*"):
            return ("startswith", term[:-2])
        if term.endswith("*"):
            return ("startswith", term.rstrip("*").rstrip("."))
        return ("==", term)

    def warnings(self) -> list[str]:
        """Forms conda accepts with a warning."""
        found = []
        for piece in re.split(r"[,|]", self.spec):
            piece = piece.strip().strip("()")
            if re.match(r"^(==|<|>|<=)[^=]\S*\*$", piece):
                found.append(
                    f"'{piece}': conda ignores the .* after {piece[:2].rstrip('0123456789.')}"
                    f" (it means {piece.rstrip('*').rstrip('.')}, with a warning); "
                    f"write ={piece.lstrip('=<>').rstrip('*').rstrip('.')} for 'this "
                    "version or any sub-version'"
                    if piece.startswith("==")
                    else f"'{piece}': .* with a relational operator is superfluous"
                )
        return found

    def matches(self, version: str) -> bool:
        return self._eval(self._tree, version)

    def _eval(self, node, version: str) -> bool:
        kind, arg = node
        if kind == "or":
            return any(self._eval(n, version) for n in arg)
        if kind == "and":
            return all(self._eval(n, version) for n in arg)
        if kind == "any":
            return True
        have, want = _version_key(version), _version_key(arg)
        if kind in ("startswith", "not-startswith"):
            head = have[: len(want)]
            hit = head == want or (
                len(want) > len(have) and have + [(1, 0)] * (len(want) - len(have)) == want
            )
            return hit if kind == "startswith" else not hit
        if kind == "~=":
            raw = _version_key(arg, strip=False)
            prefix = raw[:-1] if len(raw) > 2 else raw
            padded = _version_key(version, strip=False) + [(1, 0)] * len(raw)
            return have >= want and padded[: len(prefix)] == prefix
        return {
            "==": have == want,
            "!=": have != want,
            "<": have < want,
            "<=": have <= want,
            ">": have > want,
            ">=": have >= want,
        }[kind]

    def leaves(self) -> list[tuple[str, str | None]]:
        """The (relation, version) terms when the spec is a plain AND list."""
        kind, arg = self._tree
        if kind == "and":
            out = []
            for node in arg:
                if node[0] in ("or", "and"):
                    raise MatchSpecError(f"'{self.spec}' nests alternatives")
                out.append(node)
            return out
        if kind == "or":
            raise MatchSpecError(f"'{self.spec}' uses '|' (or)")
        return [(kind, arg)]


# ---------------------------------------------------------------- match specs


def _parse_brackets(body: str, text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in re.findall(r"""\s*([^=,\s]+)\s*=\s*("[^"]*"|'[^']*'|[^,]*)\s*,?""", body):
        key, value = item[0].strip(), item[1].strip().strip("'\"")
        pairs[key] = value
    rebuilt = re.sub(r"""\s*([^=,\s]+)\s*=\s*("[^"]*"|'[^']*'|[^,]*)\s*,?""", "", body)
    if rebuilt.strip() or not pairs and body.strip():
        raise MatchSpecError(
            f"invalid match spec '{text}': brackets need key=value pairs "
            "(conda has no pip-style extras like pkg[extra])"
        )
    for key in pairs:
        if key not in BRACKET_KEYS:
            raise MatchSpecError(f"invalid match spec '{text}': unknown bracket key '{key}'")
    return pairs


def parse(text: str) -> MatchSpec:
    """Parse one match spec; raise MatchSpecError if conda would refuse it."""
    original = text
    spec = text.split("#", 1)[0].strip()
    if not spec:
        raise MatchSpecError("empty match spec")
    if _PACKAGE_FILE_RE.search(spec) or "://" in spec:
        name = re.sub(r"-[^-]+-[^-]+$", "", spec.rsplit("/", 1)[-1].split("::")[-1])
        return MatchSpec(text=original, name=_PACKAGE_FILE_RE.sub("", name))

    brackets: dict[str, str] = {}
    bracket = re.search(r"\[(.*)\]$", spec)
    if bracket:
        brackets = _parse_brackets(bracket.group(1), original)
        spec = spec[: bracket.start()].strip()
    if "[" in spec or "]" in spec:
        raise MatchSpecError(f"invalid match spec '{original}': unbalanced brackets")

    channel = subdir = None
    if "::" in spec:
        channel, spec = spec.rsplit("::", 1)
        if not channel or not spec:
            raise MatchSpecError(
                f"invalid match spec '{original}': empty channel or name around '::'"
            )
        if "/" in channel and not channel.startswith(("http", "file")):
            channel, subdir = channel.rsplit("/", 1)

    spec = spec.strip()
    match = re.match(r"^([^ =<>!~]+)?(.*)$", spec)
    name, rest = match.group(1), match.group(2).strip()
    if not name:
        raise MatchSpecError(f"invalid match spec '{original}': no package name")
    warnings = []
    if name != name.lower():
        warnings.append(f"'{name}': conda package names are lower case")
        name = name.lower()
    if not _NAME_RE.match(name):
        raise MatchSpecError(f"invalid match spec '{original}': invalid package name '{name}'")

    version = build = None
    if rest:
        if " " in rest:
            parts = rest.split()
            if len(parts) > 2:
                raise MatchSpecError(
                    f"invalid match spec '{original}': too many space-separated parts"
                )
            version, build = parts[0], (parts[1] if len(parts) > 1 else None)
        elif rest.startswith("=") and not rest.startswith("=="):
            pieces = rest[1:].split("=")
            if len(pieces) > 2 or not pieces[0]:
                raise MatchSpecError(f"invalid match spec '{original}': invalid '=' in '{rest}'")
            version = pieces[0]
            build = pieces[1] if len(pieces) == 2 else None
            if version[0] in "<>!~":
                raise MatchSpecError(
                    f"invalid match spec '{original}': '={version[0]}' is not an operator"
                    + (" (did you mean '>=' or '<='?)" if version[0] in "<>" else "")
                )
            VersionSpec(version)
            if build == "":
                raise MatchSpecError(f"invalid match spec '{original}': empty build string")
            if build is None and not any(c in version for c in "*,|<>!=~"):
                version = version + ".*"  # conda: name=1.2 means 1.2.*
        else:
            found = re.match(r"^(.*?[^=<>!~,|])=([^=<>!~,|]+)$", rest)
            if found:
                version, build = found.group(1), found.group(2)
            else:
                version = rest
    if "version" in brackets:
        version = brackets["version"]
    if "build" in brackets:
        build = brackets["build"]
    if "channel" in brackets:
        channel = brackets["channel"]
    if version is not None:
        parsed = VersionSpec(version)
        warnings.extend(parsed.warnings())
    if build is not None and not _BUILD_RE.match(build):
        raise MatchSpecError(f"invalid match spec '{original}': invalid build string '{build}'")
    return MatchSpec(
        text=original,
        name=name,
        version=version,
        build=build,
        channel=channel,
        subdir=subdir,
        brackets=brackets,
        warnings=warnings,
    )
