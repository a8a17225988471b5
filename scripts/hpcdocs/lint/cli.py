"""Command line of lint-jobscript."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hpcdocs import ROOT, command_parser
from hpcdocs.facts import FactsError
from hpcdocs.lint import has_errors, lint, sbatch_option_table

DESCRIPTION = """\
Check Slurm and LSF job scripts (and shell, console and Python snippets) for
mistakes that make a job fail or do something else than it says:
#SBATCH options against the installed sbatch, their values (time, memory,
--gres, --gpus), #SBATCH lines after the first command, --ntasks with a
bare python; #BSUB options, -gpu, -R, -W, -n, -q/-m against the cluster;
typographic quotes, full-width punctuation, dashes and non-breaking spaces
in code, CRLF line ends, `conda activate` in a script with no conda shell
hook before it (eval "$(conda shell.bash hook)"), deprecated forms
(source activate, tensorflow-gpu, Lightning's gpus=/distributed_backend=,
skill for jobs, outdated CUDA pins), and Apptainer/Singularity: exec without
--nv in a GPU job, --nv in a job without GPUs, binds of a path variable the
cluster lacks, images and caches in $HOME; a FILE ending in .def is read as
an Apptainer definition file (header keys, sections).

A FILE that is a directory is searched recursively for job scripts
(*.sh, *.slurm, *.sbatch, *.lsf, *.bsub). After the findings, a summary
line goes to stderr: "12 files, 3 errors, 5 warnings".

Prints FILE:LINE: error|warning: message [check]. Exit status 1 when any
error is found, 2 on bad usage or an unreadable file, else 0 (warnings
alone do not fail).

--format json prints one JSON array on stdout (the summary stays on
stderr), one object per finding, sorted by file and line:
  [{"file": "jobs/train.sh", "line": 3, "severity": "error",
    "message": "--mem-per-cpu=1G with --mem=4G (line 2): ...",
    "code": "slurm-exclusive"}]
file is the path as given (or found under a directory), line counts from
1, severity is "error" or "warning", code is a stable name of the check
(e.g. slurm-ignored, slurm-value, lsf-value, conda-no-hook) to filter or
suppress on; message is for people and may change. An empty array means
nothing was found. Editors and pre-commit read it the same way."""

# What directory mode picks up: job scripts by their usual names.
SCRIPT_SUFFIXES = (".sh", ".slurm", ".sbatch", ".lsf", ".bsub")


def expand(names: list[str]) -> list[Path]:
    """The files named, with each directory replaced by the job scripts under it."""
    out: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SCRIPT_SUFFIXES)
        else:
            out.append(path)
    return out


def summary(files: int, findings: list) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{n(files, 'file')}, {n(errors, 'error')}, {n(warnings, 'warning')}"


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("lint-jobscript", DESCRIPTION)
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="files to check, or directories to search"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (json: an array of findings, described below)",
    )
    default_facts = ROOT / "cluster.yml"
    parser.add_argument(
        "--facts",
        metavar="CLUSTER_YML",
        type=Path,
        help="cluster facts to check partitions, queues, hosts and GPUs "
        f"against (default: {default_facts} when present)",
    )
    parser.add_argument(
        "--no-facts", action="store_true", help="do not check against any cluster facts"
    )
    parser.add_argument(
        "--kind",
        choices=("shell", "python", "console"),
        help="treat every FILE as this kind (default: by suffix)",
    )
    parser.add_argument("--errors-only", action="store_true", help="do not print warnings")
    parser.add_argument(
        "--show-source",
        action="store_true",
        help="say where the sbatch option list came from, then check",
    )
    args = parser.parse_args(argv)

    facts = None
    if not args.no_facts:
        facts_path = args.facts or (default_facts if default_facts.exists() else None)
        if args.facts and not args.facts.exists():
            parser.error(f"{args.facts}: no such facts file")
        if facts_path:
            from hpcdocs.facts import load

            facts = load(facts_path)
    options = sbatch_option_table()
    if args.show_source or "bundled" in options.source:
        print(f"lint-jobscript: sbatch options from {options.source}", file=sys.stderr)

    findings, status = [], 0
    files = expand(args.files)
    for name in files:
        try:
            findings += lint(name, facts, kind=args.kind)
        except (OSError, FactsError) as err:
            print(f"lint-jobscript: {err}", file=sys.stderr)
            status = 2
    if args.errors_only:
        findings = [f for f in findings if f.severity == "error"]
    if args.format == "json":
        json.dump([f.as_dict() for f in findings], sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for finding in findings:
            print(finding)
    print(summary(len(files), findings), file=sys.stderr)
    return status or (1 if has_errors(findings) else 0)
