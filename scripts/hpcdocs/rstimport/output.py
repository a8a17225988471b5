"""Writing the import's files without ever overwriting one the importer did not create.

Every file an import writes is listed, with its SHA-256, in a manifest in the
output folder. A later import may overwrite or remove a file only if the
manifest lists it and its content is still what the importer wrote; anything
else is refused (nothing at all is written then) unless ``force`` is given.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".import-rst-manifest.json"


class RefusedError(Exception):
    """Writing would overwrite files the importer did not create."""


@dataclass
class Plan:
    """The files an import will write: path -> bytes."""

    out_dir: Path
    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, path: Path, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.files[Path(os.path.abspath(path))] = data

    def copy(self, source: Path, dest: Path) -> None:
        self.add(dest, source.read_bytes())

    def has(self, path: Path) -> bool:
        return Path(os.path.abspath(path)) in self.files


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data["files"])
    except (ValueError, KeyError, TypeError) as err:
        raise RefusedError(f"{path}: not a manifest this importer wrote ({err})") from err


def _key(out_dir: Path, path: Path) -> str:
    return os.path.relpath(path, out_dir).replace(os.sep, "/")


def conflicts(plan: Plan) -> list[str]:
    """Files the plan would overwrite or remove that the importer did not write as they are."""
    out_dir = Path(os.path.abspath(plan.out_dir))
    known = _read_manifest(out_dir)
    bad = []
    for path in sorted(plan.files):
        if path.exists() or path.is_symlink():
            sha = known.get(_key(out_dir, path))
            if sha is None:
                bad.append(f"{path}: exists and was not written by import-rst")
            elif not path.is_file() or _sha(path.read_bytes()) != sha:
                bad.append(f"{path}: changed since import-rst wrote it")
    for key, sha in sorted(known.items()):
        path = Path(os.path.normpath(out_dir / key))
        if path not in plan.files and path.is_file() and _sha(path.read_bytes()) != sha:
            bad.append(f"{path}: changed since import-rst wrote it (no longer produced)")
    return bad


def write(plan: Plan, force: bool = False) -> list[Path]:
    """Write the plan; remove files an earlier import wrote that this one no longer makes."""
    out_dir = Path(os.path.abspath(plan.out_dir))
    bad = conflicts(plan)
    if bad and not force:
        raise RefusedError("\n".join(bad))
    known = _read_manifest(out_dir) if (out_dir / MANIFEST).exists() else {}
    for key in known:
        path = Path(os.path.normpath(out_dir / key))
        if path not in plan.files and path.is_file():
            path.unlink()
    manifest = {}
    for path, data in sorted(plan.files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest[_key(out_dir, path)] = _sha(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"tool": "import-rst", "files": manifest}, indent=1, ensure_ascii=False)
    (out_dir / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return sorted(plan.files)
