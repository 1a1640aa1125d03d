"""Evidence files: checked while streamed to disk, stored under random names, recorded, served back."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Dispute, Evidence, User
from .filetypes import DEFAULT_ALLOWED, FileKind, inspect_zip, sanitize_filename, sniff
from .validators import ValidationError

MIB = 1 << 20
_CHUNK = 64 * 1024
_HEAD = 8 * 1024  # sniff() wants at least 4 KiB
_TMP_DIR = "tmp"  # inside UPLOAD_DIR, so the final move is a rename on one file system
_STORED_NAME = re.compile(r"[0-9a-f]{64}")
_ZIP_CONTAINERS = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
_DESCRIPTION_MAX = 512  # Evidence.description
_KIND_ZH = {
    "html": "网页（HTML）", "svg": "SVG 图像", "xml": "XML 文档", "script": "脚本", "executable": "可执行程序",
    "macro_document": "含宏的 Office 文档", "ole2_other": "非 Office 的 OLE2 文件（如安装包）",
    "ole2": "无法识别的 OLE2 文件", "unknown": "无法识别的内容", "text": "纯文本",
}
_ACCEPTED_ZH = "请上传 PDF、图片、Office 文档、音视频或 ZIP 压缩包"
_ACCEPTED_EN = "please upload PDF, images, Office documents, audio, video or ZIP archives"


@dataclass(frozen=True)
class UploadLimits:
    """Where evidence is stored and what is accepted; ``from_config`` reads the app's settings once."""

    upload_dir: Path
    max_file_bytes: int
    max_case_bytes: int
    allowed: frozenset[str] = DEFAULT_ALLOWED
    zip_max_entries: int = 1000
    zip_max_total_size: int = 512 * MIB
    zip_max_ratio: int = 100

    @classmethod
    def from_config(cls, config: Mapping[str, object] | None = None) -> UploadLimits:
        """Limits from ``config`` (default: ``current_app.config``): UPLOAD_DIR and the *_MB settings."""
        cfg = current_app.config if config is None else config
        return cls(Path(str(cfg["UPLOAD_DIR"])), int(str(cfg["UPLOAD_MAX_FILE_MB"])) * MIB,
                   int(str(cfg["UPLOAD_MAX_CASE_MB"])) * MIB)


@dataclass(frozen=True)
class StoredFile:
    """A checked upload at its final place, not yet recorded: the values of an ``Evidence`` row."""

    stored_name: str
    original_filename: str
    content_type: str
    size: int
    sha256: str
    kind_code: str


def store_upload(stream: BinaryIO, filename: str, *, limits: UploadLimits | None = None,
                 already_stored_bytes: int = 0, field: str = "evidence") -> StoredFile:
    """Check an upload while copying it to disk, then move it under a random name.

    :param stream: the upload, read in chunks (never whole); need not be seekable
    :param filename: the name the client sent; only sanitised and shown, never used as a path
    :param limits: storage folder and limits (default: read from ``current_app.config``)
    :param already_stored_bytes: evidence bytes the case holds already, for the per-case total
    :param field: the form/API field named by the errors
    :return: the stored file; call ``attach_evidence`` to record it, ``discard`` if recording fails
    :raises ValidationError: empty_file, file_too_large, case_total_too_large, type_not_allowed or
        zip_refused; nothing is left on disk
    """
    limits = limits or UploadLimits.from_config()
    name = sanitize_filename(filename or "")
    tmp_dir = limits.upload_dir / _TMP_DIR
    _make_dirs(tmp_dir)
    fd, tmp_name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as out:
            size, sha256 = _copy(stream, out, name, limits, already_stored_bytes, field)
            kind = _check_content(out, name, limits, field)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o640)
        stored_name = secrets.token_hex(32)
        final = _path_for(limits.upload_dir, stored_name)
        _make_dirs(final.parent)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if "." not in name.lstrip("."):  # a name without extension gets the detected one, to be openable
        name += kind.extension
    return StoredFile(stored_name, name, kind.mime, size, sha256, kind.code)


def _copy(stream: BinaryIO, out: BinaryIO, name: str, limits: UploadLimits, already: int,
          field: str) -> tuple[int, str]:
    """Copy ``stream`` to ``out`` chunk by chunk, hashing; stop at the first chunk past a limit."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limits.max_file_bytes:
            limit = _size_label(limits.max_file_bytes)
            raise ValidationError(field, "file_too_large", f"文件“{name}”超过 {limit} 上限",
                                  f"The file “{name}” is larger than the {limit} limit")
        if already + size > limits.max_case_bytes:
            limit, used = _size_label(limits.max_case_bytes), _size_label(already)
            raise ValidationError(
                field, "case_total_too_large", f"文件“{name}”会使本案证据总量超过 {limit} 上限（已上传 {used}）",
                f"The file “{name}” would take this case's evidence past the {limit} limit ({used} already uploaded)",
            )
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise ValidationError(field, "empty_file", f"文件“{name}”是空文件", f"The file “{name}” is empty")
    return size, digest.hexdigest()


def _check_content(f: BinaryIO, name: str, limits: UploadLimits, field: str) -> FileKind:
    """The upload's kind by its content; refuses kinds not allowed and archives that fail the checks."""
    f.seek(0)
    kind = sniff(f.read(_HEAD), name, stream=f, allowed=limits.allowed)
    if not kind.allowed:
        what = _KIND_ZH.get(kind.code, kind.code.upper())
        raise ValidationError(field, "type_not_allowed", f"文件“{name}”的内容是{what}，不予接受；{_ACCEPTED_ZH}",
                              f"The file “{name}” is not accepted ({kind.reason}); {_ACCEPTED_EN}")
    if kind.code in _ZIP_CONTAINERS:  # DOCX, XLSX, ODT… are archives too, and can be bombs as well
        try:
            inspect_zip(f, max_entries=limits.zip_max_entries, max_total_size=limits.zip_max_total_size,
                        max_ratio=limits.zip_max_ratio, field=field)
        except ValidationError as exc:  # the specific reason stays in the message and the chained error
            raise ValidationError(field, "zip_refused", f"文件“{name}”未通过检查：{exc.message_zh}",
                                  f"The file “{name}” was refused: {exc.message_en}") from exc
    return kind


def _size_label(n: int) -> str:
    for unit, scale in (("MB", MIB), ("KB", 1024)):
        if n >= scale:
            return f"{round(n / scale, 1):g} {unit}"
    return f"{n} B"


def _make_dirs(path: Path) -> None:
    path.mkdir(mode=0o750, parents=True, exist_ok=True)


def _upload_root(upload_dir: str | Path | None) -> Path:
    return Path(upload_dir if upload_dir is not None else str(current_app.config["UPLOAD_DIR"]))


def _path_for(root: Path, stored_name: str) -> Path:
    """The file of ``stored_name``, sharded by its first two characters; only 64 hex chars are names."""
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored evidence name: {stored_name!r}")
    return root / stored_name[:2] / stored_name


def case_stored_bytes(dispute: Dispute) -> int:
    """Total size of the evidence recorded (or flushed) for ``dispute``: ``already_stored_bytes``."""
    if dispute.id is None:
        return 0
    total = db.session.scalar(select(func.coalesce(func.sum(Evidence.size), 0))
                              .where(Evidence.dispute_id == dispute.id))
    return int(total or 0)


def attach_evidence(dispute: Dispute, stored: StoredFile, uploaded_by: User | None = None,
                    description: str | None = None) -> Evidence:
    """Record ``stored`` as evidence of ``dispute`` (adds and flushes, never commits).

    :param uploaded_by: the acting user, None for an anonymous (portal) upload
    :param description: what the file shows; blank means none
    :raises ValidationError: field "description", code too_long
    """
    text = (description or "").strip() or None
    if text is not None and len(text) > _DESCRIPTION_MAX:
        raise ValidationError("description", "too_long", f"证据说明不能超过{_DESCRIPTION_MAX}个字符",
                              f"The description may not exceed {_DESCRIPTION_MAX} characters")
    evidence = Evidence(
        dispute=dispute, original_filename=stored.original_filename, stored_name=stored.stored_name,
        content_type=stored.content_type, size=stored.size, sha256=stored.sha256, description=text,
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def discard(stored: StoredFile | str, *, upload_dir: str | Path | None = None) -> None:
    """Remove a stored file, e.g. when the transaction that would have recorded it failed.

    :param stored: the ``StoredFile`` or its stored name; a missing file is not an error
    :param upload_dir: default ``current_app.config["UPLOAD_DIR"]``
    :raises ValueError: when the name is not a stored name (64 lowercase hex characters)
    """
    name = stored.stored_name if isinstance(stored, StoredFile) else stored
    _path_for(_upload_root(upload_dir), name).unlink(missing_ok=True)


def open_evidence(evidence: Evidence, *, upload_dir: str | Path | None = None) -> Path:
    """The path of ``evidence``'s file, for ``send_file(path, mimetype=evidence.content_type,
    as_attachment=True, download_name=evidence.original_filename)``; the caller checks permission first.

    :raises ValueError: when the recorded stored name is not a stored name (it can never leave UPLOAD_DIR)
    :raises FileNotFoundError: when the file is gone
    """
    path = _path_for(_upload_root(upload_dir), evidence.stored_name)
    if not path.is_file():
        raise FileNotFoundError(f"evidence file {evidence.stored_name} is missing")
    return path
