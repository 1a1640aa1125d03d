"""Uploads of a filing not yet submitted, kept server-side so a failed validation loses no file.

A draft is named by the form's idempotency key and listed in ``<upload dir>/drafts/<key>.json``; the
browser session records which key is its own, so nobody can attach another person's draft.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

from flask import current_app

from .evidence import StoredFile, discard

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _manifest(key: str) -> Path:
    if not _KEY.match(key):
        raise ValueError("bad draft key")
    folder = Path(current_app.config["UPLOAD_DIR"]) / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.json"


def load(key: str) -> list[tuple[StoredFile, str | None]]:
    """The draft's files with their descriptions, oldest first."""
    path = _manifest(key)
    if not path.exists():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    return [(StoredFile(**item["file"]), item.get("description")) for item in items]


def save(key: str, files: list[tuple[StoredFile, str | None]]) -> None:
    path = _manifest(key)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([{"file": asdict(f), "description": d} for f, d in files], ensure_ascii=False),
                   encoding="utf-8")
    tmp.replace(path)


def remove(key: str, stored_names: set[str]) -> list[tuple[StoredFile, str | None]]:
    """Drop the named files from the draft and from disk; returns what is left."""
    kept = []
    for stored, description in load(key):
        if stored.stored_name in stored_names:
            discard(stored)
        else:
            kept.append((stored, description))
    save(key, kept)
    return kept


def forget(key: str) -> None:
    """The filing was submitted: its files now belong to evidence records; drop only the manifest."""
    _manifest(key).unlink(missing_ok=True)
