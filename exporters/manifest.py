"""Which files an export wrote, so the next one can skip unchanged posts and remove stale files.

A file the export did not write is never touched: only paths listed in the previous
manifest, inside the output folder, are ever deleted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST_NAME = ".newsdao-export.json"


class Manifest:
    def __init__(self, out_dir: Path, settings_key: str):
        self.out_dir = out_dir.resolve()
        self.settings_key = settings_key
        self.previous: dict[str, str] = {}
        self.current: dict[str, str] = {}
        self._root = str(self.out_dir) + os.sep
        self._by_marker: dict[str, str] | None = None
        path = self.out_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return
        if isinstance(data, dict) and isinstance(data.get("files"), dict):
            self.previous = {str(k): str(v) for k, v in data["files"].items()}
            if data.get("settings") != settings_key:
                # Other brand, hook or switches: every post must be rendered again.
                self.previous = {k: "" for k in self.previous}

    def unchanged(self, relpath: str, marker: str) -> bool:
        """Whether the file at relpath was written last time from the same content and still exists."""
        return bool(marker) and self.previous.get(relpath) == marker and os.path.isfile(self._root + relpath)

    def path_of(self, marker: str) -> str | None:
        """The file the previous export wrote from exactly this content, if it still exists.

        Lets an incremental export skip even naming the post of an unchanged article.
        """
        if self._by_marker is None:
            self._by_marker = {marker: relpath for relpath, marker in self.previous.items() if marker}
        relpath = self._by_marker.get(marker)
        return relpath if relpath and os.path.isfile(self._root + relpath) else None

    def record(self, relpath: str, marker: str) -> None:
        self.current[relpath] = marker

    def stale(self) -> list[Path]:
        """Files the previous export wrote that this one did not: safe to delete."""
        paths = []
        for relpath in sorted(set(self.previous) - set(self.current)):
            path = (self.out_dir / relpath).resolve()
            if path.is_relative_to(self.out_dir) and path.is_file():
                paths.append(path)
        return paths

    def to_bytes(self) -> bytes:
        data = {"settings": self.settings_key, "files": dict(sorted(self.current.items()))}
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
