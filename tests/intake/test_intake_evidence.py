"""Evidence uploads: streamed checks, storage under random names, recording and download paths."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from flask import send_file
from sqlalchemy import func, select

from dispute_hub.intake.evidence import (
    MIB,
    StoredFile,
    UploadLimits,
    attach_evidence,
    case_stored_bytes,
    discard,
    open_evidence,
    store_upload,
)
from dispute_hub.intake.validators import ValidationError
from dispute_hub.models import Evidence

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- real small files, built here so that nothing binary is checked in -------------------------------

def _pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _png() -> bytes:
    """A 1×1 red RGB PNG."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xc0\x00\x00"))
            + chunk(b"IEND", b""))


def _jpeg() -> bytes:
    """A baseline 8×8 grey JPEG: all coefficients zero, one one-bit Huffman code (symbol 0) per table."""
    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    huffman = bytes([1] + [0] * 15) + b"\x00"
    return (b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + b"\x01" * 64) + segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
            + segment(0xC4, b"\x00" + huffman) + segment(0xC4, b"\x10" + huffman)
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f\xff\xd9")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 9, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _docx() -> bytes:
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    package = "http://schemas.openxmlformats.org/package/2006"
    return _zip({
        "[Content_Types].xml": (
            f'{xml}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{DOCX_MIME}.main+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'{xml}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ).encode(),
        "word/document.xml": (
            f'{xml}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>专利实施许可合同</w:t></w:r></w:p></w:body></w:document>"
        ).encode(),
    })


class _Upload:
    """A client upload of ``total`` bytes that must be read in chunks; counts what was read."""

    def __init__(self, total: int, head: bytes = b"%PDF-1.4\n", fail_after: int | None = None) -> None:
        self.total, self.head, self.fail_after, self.consumed = total, head, fail_after, 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the upload must never be read whole"
        if self.fail_after is not None and self.consumed >= self.fail_after:
            raise OSError("client went away")
        n = min(size, self.total - self.consumed)
        start, self.consumed = self.consumed, self.consumed + n
        return (self.head[start:] + b"0" * n)[:n]


@pytest.fixture
def limits(app) -> UploadLimits:
    return UploadLimits.from_config()


def _store(data: bytes, filename: str, limits: UploadLimits, **kw) -> StoredFile:
    return store_upload(io.BytesIO(data), filename, limits=limits, **kw)


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _path(limits: UploadLimits, stored: StoredFile) -> Path:
    return limits.upload_dir / stored.stored_name[:2] / stored.stored_name


# --- accepted files ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "kind_code", "mime"), [
    ("合同.pdf", _pdf(), "pdf", "application/pdf"),
    ("侵权截图.png", _png(), "png", "image/png"),
    ("店铺照片.jpg", _jpeg(), "jpeg", "image/jpeg"),
    ("许可合同.docx", _docx(), "docx", DOCX_MIME),
    ("证据包.zip", _zip({"订单.txt": "订单号 2024".encode(), "发票/invoice.pdf": _pdf()}), "zip", "application/zip"),
])
def test_intake_stores_real_files_by_content(app, limits, filename, data, kind_code, mime):
    stored = _store(data, filename, limits)

    assert (stored.original_filename, stored.kind_code, stored.content_type) == (filename, kind_code, mime)
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", stored.stored_name)
    path = _path(limits, stored)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _files(limits.upload_dir) == [path]  # no temporary file left behind


def test_intake_each_upload_gets_its_own_random_name(app, limits):
    first, second = (_store(_pdf(), "合同.pdf", limits) for _ in range(2))
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256
    assert len(_files(limits.upload_dir)) == 2


def test_intake_keeps_a_mismatched_name_but_records_the_detected_type(app, limits):
    stored = _store(_png(), "photo.jpg", limits)
    assert (stored.original_filename, stored.content_type, stored.kind_code) == ("photo.jpg", "image/png", "png")
    assert _store(_png(), "scan", limits).original_filename == "scan.png"


@pytest.mark.parametrize("filename", [
    "../../../../etc/cron.d/" + "侵" * 300 + ".pdf",
    "C:\\Windows\\..\\system32\\evil.pdf",
    "/var/www/static/\u202egpj.pdf",
])
def test_intake_hostile_names_are_only_shown_sanitised(app, limits, filename):
    stored = _store(_pdf(), filename, limits)
    name = stored.original_filename
    assert "/" not in name and "\\" not in name and ".." not in name and "\u202e" not in name
    assert len(name) <= 120 and name.endswith(".pdf")
    assert _files(limits.upload_dir) == [_path(limits, stored)]


# --- refusals --------------------------------------------------------------------------------------------

REFUSED = [
    ("起诉状.pdf", b"<!DOCTYPE html><html><body><h1>Invoice</h1></body></html>", "type_not_allowed"),
    ("起诉状.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "type_not_allowed"),
    ("photo.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120, "type_not_allowed"),
    ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "type_not_allowed"),
    ("empty.pdf", b"", "empty_file"),
    ("traversal.zip", _zip({"readme.txt": b"hello", "../../evil.sh": b"#!/bin/sh\n"}), "zip_refused"),
    ("absolute.zip", _zip({"/etc/passwd": b"root:x:0:0"}), "zip_refused"),
    ("bomb.zip", _zip({"zeros.bin": b"\x00" * (4 * MIB)}), "zip_refused"),
    ("bomb.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (4 * MIB)}), "zip_refused"),
]


@pytest.mark.parametrize(("filename", "data", "code"), REFUSED)
def test_intake_refuses_and_leaves_nothing_on_disk(app, limits, filename, data, code):
    with pytest.raises(ValidationError) as caught:
        _store(data, filename, limits)
    error = caught.value
    assert (error.field, error.code) == ("evidence", code)
    assert f"“{filename}”" in error.message_zh and f"“{filename}”" in error.message_en
    assert _files(limits.upload_dir) == []


def test_intake_refuses_a_bomb_over_the_archive_size_limit(app, limits):
    small = dataclasses.replace(limits, zip_max_total_size=256 * 1024)
    data = _zip({f"part{i}.txt": b"A" * 200_000 for i in range(2)})  # under the ratio floor, over the total
    assert _store(data, "ok.zip", limits).kind_code == "zip"
    with pytest.raises(ValidationError) as caught:
        _store(data, "bomb.zip", small, field="files")
    assert (caught.value.field, caught.value.code) == ("files", "zip_refused")
    assert "解压后过大" in caught.value.message_zh
    assert len(_files(limits.upload_dir)) == 1


def test_intake_refuses_a_file_over_the_limit_without_reading_it_all(app, tmp_path):
    limits = UploadLimits.from_config({"UPLOAD_DIR": str(tmp_path / "up"), "UPLOAD_MAX_FILE_MB": 1,
                                       "UPLOAD_MAX_CASE_MB": 200})
    upload = _Upload(total=10**12)  # a terabyte: reading it all would never finish
    with pytest.raises(ValidationError) as caught:
        store_upload(upload, "合同.pdf", limits=limits)
    assert caught.value.code == "file_too_large"
    assert caught.value.message_zh == "文件“合同.pdf”超过 1 MB 上限"
    assert caught.value.message_en == "The file “合同.pdf” is larger than the 1 MB limit"
    assert upload.consumed <= MIB + 64 * 1024
    assert _files(limits.upload_dir) == []


def test_intake_accepts_a_file_exactly_at_the_limit(app, limits):
    data = _pdf()
    exact = dataclasses.replace(limits, max_file_bytes=len(data))
    assert _store(data, "合同.pdf", exact).size == len(data)
    with pytest.raises(ValidationError, match="file_too_large"):
        _store(data + b"\n", "合同.pdf", exact)


def test_intake_refuses_a_file_that_takes_the_case_past_its_total(app, limits):
    case = dataclasses.replace(limits, max_case_bytes=4 * MIB)
    data = _pdf() + b"%" * 4096
    assert _store(data, "one.pdf", case, already_stored_bytes=3 * MIB).size == len(data)
    with pytest.raises(ValidationError) as caught:
        _store(data, "two.pdf", case, already_stored_bytes=4 * MIB - 100)
    assert caught.value.code == "case_total_too_large"
    assert "4 MB" in caught.value.message_zh and "“two.pdf”" in caught.value.message_en
    assert len(_files(limits.upload_dir)) == 1


def test_intake_a_broken_upload_leaves_nothing(app, limits):
    with pytest.raises(OSError, match="client went away"):
        store_upload(_Upload(total=MIB, fail_after=128 * 1024), "合同.pdf", limits=limits)
    assert _files(limits.upload_dir) == []


# --- serving and removing --------------------------------------------------------------------------------

def test_intake_stored_files_are_not_under_static_nor_served_by_any_url(app, client, limits):
    data = _pdf()
    stored = _store(data, "合同.pdf", limits)
    static = Path(app.static_folder).resolve()
    assert not _path(limits, stored).resolve().is_relative_to(static)
    assert not limits.upload_dir.resolve().is_relative_to(static)
    shard = f"{stored.stored_name[:2]}/{stored.stored_name}"
    urls = [f"/static/{shard}", f"/static/../instance/uploads/{shard}", f"/uploads/{shard}",
            f"/instance/uploads/{shard}", f"/{shard}", f"/{stored.stored_name}"]
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():  # and every route that takes a value, given the stored name
        for value in (stored.stored_name, shard, f"../instance/uploads/{shard}"):
            if rule.arguments and "GET" in (rule.methods or ()):
                try:
                    urls.append(adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, value)))
                except Exception:  # noqa: S112  a route whose converter refuses the value cannot serve it
                    continue
    assert len(urls) > 6
    for url in urls:
        with client.get(url) as response:
            assert response.status_code != 200, url
            assert data not in response.get_data(), url


def test_intake_open_evidence_gives_the_file_for_download(app, db, make, limits):
    data = _png()
    evidence = attach_evidence(make.dispute(), _store(data, "截图.jpg", limits))
    path = open_evidence(evidence)
    assert path == _path(limits, evidence)
    with app.test_request_context():
        response = send_file(path, mimetype=evidence.content_type, as_attachment=True,
                             download_name=evidence.original_filename)
        response.direct_passthrough = False
        try:
            body = response.get_data()
        finally:
            response.close()
    assert body == data
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "%E6%88%AA%E5%9B%BE.jpg" in disposition


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a" * 63, "A" * 64, "a" * 64 + "\n", "g" * 64,
                                 "../" + "a" * 61, "", "aa/" + "a" * 61])
def test_intake_stored_names_can_never_leave_the_upload_folder(app, bad):
    with pytest.raises(ValueError, match="not a stored evidence name"):
        open_evidence(Evidence(stored_name=bad))
    with pytest.raises(ValueError, match="not a stored evidence name"):
        discard(bad)


def test_intake_discard_removes_the_file_and_tolerates_a_second_call(app, limits):
    stored = _store(_pdf(), "合同.pdf", limits)
    discard(stored)
    discard(stored.stored_name)
    assert _files(limits.upload_dir) == []
    with pytest.raises(FileNotFoundError):
        open_evidence(Evidence(stored_name=stored.stored_name))


# --- recording ---------------------------------------------------------------------------------------------

def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def test_intake_attach_evidence_writes_the_row_and_does_not_commit(app, db, make, limits):
    uploader = make.user("claimant")
    dispute = make.dispute(claimant=uploader)
    stored = _store(_docx(), "许可合同.docx", limits)

    evidence = attach_evidence(dispute, stored, uploaded_by=uploader, description="  许可合同原件扫描  ")

    row = db.session.execute(select(Evidence.dispute_id, Evidence.original_filename, Evidence.stored_name,
                                    Evidence.content_type, Evidence.size, Evidence.sha256,
                                    Evidence.description, Evidence.uploaded_by_id)
                             .where(Evidence.id == evidence.id)).one()
    assert tuple(row) == (dispute.id, "许可合同.docx", stored.stored_name, DOCX_MIME, stored.size,
                          stored.sha256, "许可合同原件扫描", uploader.id)
    assert evidence.uploaded_at is not None
    assert case_stored_bytes(dispute) == stored.size
    db.session.rollback()
    assert _count(db) == 0


def test_intake_case_total_counts_recorded_evidence(app, db, make, limits):
    dispute = make.dispute()
    assert case_stored_bytes(dispute) == 0
    sizes = [attach_evidence(dispute, _store(data, name, limits)).size
             for name, data in (("a.pdf", _pdf()), ("b.png", _png()))]
    assert case_stored_bytes(dispute) == sum(sizes)
    assert case_stored_bytes(make.dispute()) == 0


def test_intake_a_failed_record_is_discarded(app, db, make, limits):
    stored = _store(_pdf(), "合同.pdf", limits)
    with pytest.raises(ValidationError) as caught:
        attach_evidence(make.dispute(), stored, description="说" * 600)
    assert (caught.value.field, caught.value.code) == ("description", "too_long")
    discard(stored)
    assert _files(limits.upload_dir) == []
    assert _count(db) == 0
