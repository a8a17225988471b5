"""Apptainer (and SingularityCE) definition files: the `.def` a container is built from.

A definition file has a header of `Key: value` lines (`Bootstrap:` first, then
`From:` and the other keys of that bootstrap agent) and sections that start
with `%name` at the start of a line. `apptainer build` refuses a file whose
first key is not Bootstrap, an unknown section, or a `docker` bootstrap without
`From:`; a shell error in `%post` stops the build halfway. This checks those
without Apptainer: ``check(text, name)`` returns Findings, and
``script_sections(text)`` gives the shell sections (`%post`, `%environment`,
`%runscript`, ...) with their line numbers kept, for `bash -n` and shellcheck.

Sources: the Apptainer user guide, "Definition Files" (header keys per agent,
sections); `apptainer help build` lists the same sections.
"""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR, WARNING, Finding
from hpcdocs.lint.options import suggest

# Bootstrap agents and the header keys each takes besides Bootstrap (Apptainer 1.x).
AGENTS = {
    "docker": {"From", "Registry", "Namespace", "IncludeCmd"},
    "docker-archive": {"From"},
    "docker-daemon": {"From"},
    "oci": {"From"},
    "oci-archive": {"From"},
    "library": {"From", "Library", "Fingerprints"},
    "localimage": {"From", "Fingerprints"},
    "oras": {"From"},
    "shub": {"From"},
    "scratch": set(),
    "busybox": {"MirrorURL"},
    "debootstrap": {"OSVersion", "MirrorURL", "Include"},
    "yum": {"OSVersion", "MirrorURL", "Include", "UpdateURL", "GPG", "SetOpt", "Confurl"},
    "zypper": {"OSVersion", "MirrorURL", "Include", "UpdateURL", "GPG", "Confurl",
               "Product", "User", "Password", "Regcode"},
    "arch": set(),
}  # fmt: skip
# Keys whose image reference the agent cannot do without.
NEEDS_FROM = {"docker", "docker-archive", "docker-daemon", "oci", "oci-archive", "library",
              "localimage", "oras", "shub"}  # fmt: skip
COMMON_KEYS = {"Bootstrap", "Stage"}  # Stage: multi-stage builds
SECTIONS = {
    "setup", "files", "post", "environment", "test", "runscript", "startscript",
    "labels", "help", "arguments",
    # SCIF apps: %appinstall NAME and the others take the app's name.
    "appinstall", "appfiles", "appenv", "apprun", "applabels", "apphelp", "apptest",
    "appstart",
}  # fmt: skip
# Sections whose body is a shell script: %post/%setup/%test run with /bin/sh, %runscript
# and %startscript become /bin/sh scripts, %environment is sourced by /bin/sh.
SHELL_SECTIONS = {"setup", "post", "environment", "test", "runscript", "startscript",
                  "appinstall", "appenv", "apprun", "apptest", "appstart"}  # fmt: skip
KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*)$")
SECTION_LINE = re.compile(r"^%(?P<name>[A-Za-z]+)\b(?P<rest>.*)$")


def check(text: str, name: str) -> list[Finding]:
    out: list[Finding] = []
    lines = text.split("\n")
    keys: dict[str, tuple[int, str]] = {}
    first_section = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        section = SECTION_LINE.match(line)
        if section:
            first_section = first_section or number
            out += _section(name, number, section)
            continue
        if first_section is not None or not stripped or stripped.startswith("#"):
            continue
        key = KEY_LINE.match(stripped)
        if not key:
            out.append(_error(name, number, f"{stripped!r} in the header is not `Key: value`",
                              "def-header"))  # fmt: skip
            continue
        if not keys and key["key"] != "Bootstrap":
            out.append(_error(name, number, f"the first header key is {key['key']}:, not "
                              "Bootstrap: (apptainer build reads the agent from it)",
                              "def-header"))  # fmt: skip
        if key["key"] in keys and key["key"] != "Stage":
            out.append(_error(name, number, f"{key['key']}: given twice (first on line "
                              f"{keys[key['key']][0]})", "def-header"))  # fmt: skip
        keys.setdefault(key["key"], (number, key["value"].strip()))
    if "Bootstrap" not in keys:
        return out + [_error(name, 1, "no `Bootstrap:` header line: apptainer build cannot "
                             "tell where the base image comes from (e.g. Bootstrap: docker)",
                             "def-header")]  # fmt: skip
    line, agent = keys["Bootstrap"]
    if agent not in AGENTS:
        return out + [_error(name, line, f"Bootstrap: {agent!r} is not a bootstrap agent"
                             f"{suggest(agent, AGENTS)} ({', '.join(sorted(AGENTS))})",
                             "def-header")]  # fmt: skip
    allowed = AGENTS[agent] | COMMON_KEYS
    for key, (number, value) in keys.items():
        if key not in allowed:
            out.append(_error(name, number, f"{key}: is not a header key of Bootstrap: {agent}"
                              f"{suggest(key, allowed)} (keys: {', '.join(sorted(allowed))})",
                              "def-header"))  # fmt: skip
        elif not value:
            out.append(_error(name, number, f"{key}: has no value", "def-header"))
    if agent in NEEDS_FROM and not keys.get("From", (0, ""))[1]:
        out.append(_error(name, line, f"Bootstrap: {agent} needs a From: line naming the "
                          "image (e.g. From: python:3.11-slim)", "def-header"))  # fmt: skip
    elif agent == "docker" and keys.get("From"):
        number, ref = keys["From"]
        if ref.startswith("docker://"):
            out.append(_error(name, number, f"From: {ref}: with Bootstrap: docker write the "
                              "image without docker:// (From: " + ref.removeprefix("docker://")
                              + ")", "def-header"))  # fmt: skip
        elif ":" not in ref.rsplit("/", 1)[-1] and "@" not in ref:
            out.append(Finding(name, number, WARNING, f"From: {ref} has no tag: it means "
                               ":latest, which changes under you; pin one (From: "
                               f"{ref}:TAG)", "def-unpinned"))  # fmt: skip
    if first_section is None:
        out.append(Finding(name, len(lines), WARNING, "no section (%post, %runscript, ...): "
                           "the image is the base image unchanged", "def-section"))  # fmt: skip
    return out


def _section(name: str, number: int, match: re.Match) -> list[Finding]:
    section, rest = match["name"], match["rest"].strip()
    if section not in SECTIONS:
        return [_error(name, number, f"%{section} is not a section of a definition file"
                       f"{suggest(section, SECTIONS)}: apptainer build refuses the file "
                       '("invalid section(s) specified")',
                       "def-section")]  # fmt: skip
    if section.startswith("app") and not rest.split():
        return [_error(name, number, f"%{section} needs the app's name (%{section} NAME)",
                       "def-section")]  # fmt: skip
    return []


def script_sections(text: str) -> str:
    """The shell sections' lines, every other line blanked: a script for `bash -n` and
    shellcheck whose line numbers are the file's."""
    out, shell = [], False
    for line in text.split("\n"):
        section = SECTION_LINE.match(line)
        if section:
            shell = section["name"] in SHELL_SECTIONS
            out.append("")
            continue
        out.append(line if shell else "")
    return "\n".join(out)


def _error(name: str, line: int, message: str, code: str) -> Finding:
    return Finding(name, line, ERROR, message, code)
