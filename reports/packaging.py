"""Checksums for takedown packages: ``manifest.json`` and a ``SHA256SUMS`` file per folder.

``SHA256SUMS`` is in the format ``sha256sum`` writes and checks (``sha256sum -c SHA256SUMS``
in the folder); ``manifest.json`` lists the same files with their sizes, for programs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "SUMS", "FileEntry", "sha256_file", "write_checksums"]

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class FileEntry:
    """One file of a package: its path relative to the package folder, SHA-256 and size."""

    path: str
    sha256: str
    size: int


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path, about: dict[str, Any]) -> list[FileEntry]:
    """Hash every file under ``folder``; write ``manifest.json`` then ``SHA256SUMS``.

    ``about`` goes into the manifest beside the file list. The manifest is itself listed in
    ``SHA256SUMS`` (which cannot list itself). Returns the entries of the manifest.
    """
    entries = [
        FileEntry(_relative(path, folder), sha256_file(path), path.stat().st_size)
        for path in sorted(folder.rglob("*"))
        if _listed(path, folder)
    ]
    listing = {**about, "files": [asdict(entry) for entry in entries]}
    manifest = folder / MANIFEST
    manifest.write_text(json.dumps(listing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    listed = [*entries, FileEntry(MANIFEST, sha256_file(manifest), manifest.stat().st_size)]
    lines = [f"{entry.sha256}  {entry.path}\n" for entry in sorted(listed, key=lambda e: e.path)]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")
    return entries


def _listed(path: Path, folder: Path) -> bool:
    if not path.is_file():
        return False
    # This folder's manifest and sums are written from the list; a sub-package's own manifest
    # and sums are files of the outer package like any other.
    return path.parent != folder or path.name not in (MANIFEST, SUMS)


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()
