"""check-conda: check conda commands in files, or one command line."""

from __future__ import annotations

import argparse
import sys

from .checker import check_file, check_text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="check-conda",
        description="Check the conda commands in snippets, console transcripts, job scripts, "
        "Markdown pages, notebooks and environment.yml files against the grammar of the "
        "cluster's conda (subcommands, options, package match specs; read from conda's own "
        "parser by conda-grammar, with newer and removed options marked). Prints "
        "FILE:LINE: error|warning: "
        "... and exits 1 if there is an error (or a warning, with --strict).",
    )
    ap.add_argument("files", nargs="*", help="files to check")
    ap.add_argument(
        "-c",
        "--command",
        action="append",
        default=[],
        help="a command line to check, e.g. -c 'conda create -n ml python=3.11'",
    )
    ap.add_argument(
        "--script",
        action="store_true",
        help="treat -c commands as lines of a batch script (not typed interactively)",
    )
    ap.add_argument("--strict", action="store_true", help="fail on warnings too")
    ap.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    args = ap.parse_args(argv)
    if not args.files and not args.command:
        ap.error("give files or -c COMMAND")
    findings = []
    for i, command in enumerate(args.command, 1):
        state = check_text(command, f"<command {i}>", "script", interactive=not args.script)
        findings += state.findings
    for path in args.files:
        try:
            findings += check_file(path).findings
        except (OSError, UnicodeDecodeError) as err:
            print(f"{path}:0: error: cannot read: {err}", file=sys.stderr)
            return 2
    errors = 0
    for finding in findings:
        if finding.level == "error" or args.strict:
            errors += 1
        if finding.level == "error" or not args.quiet:
            print(finding)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
