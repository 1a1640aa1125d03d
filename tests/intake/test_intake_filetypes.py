"""Content sniffing, file-name sanitising and ZIP checks for uploads."""

from __future__ import annotations

import contextlib
import io
import random
import stat
import struct
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispute_hub.intake.filetypes import DEFAULT_ALLOWED, inspect_zip, sanitize_filename, sniff
from dispute_hub.intake.validators import ValidationError

FREE, END, FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2(*stream_names: str, dir_start: int = 1) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) whose directory holds ``stream_names``."""
    names = ["Root Entry", *stream_names]
    dir_count = -(-len(names) // 4)
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 0x2C, 1, dir_start)
    struct.pack_into("<IIIII", header, 0x38, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *[FREE] * 108)
    fat = [FREE] * 128
    fat[0] = FAT
    chain = list(range(dir_start, dir_start + dir_count))
    for sector, following in zip(chain, [*chain[1:], END], strict=True):
        fat[sector] = following
    sectors = [struct.pack("<128I", *fat)] + [bytes(512)] * (dir_start - 1)
    entries = b""
    for i, name in enumerate(names):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[: len(raw)] = raw
        struct.pack_into("<HB", entry, 64, len(raw), 5 if i == 0 else 2)
        entries += bytes(entry)
    entries = entries.ljust(dir_count * 512, b"\x00")
    return bytes(header) + b"".join(sectors) + entries


def make_zip(entries: dict[str, bytes], *, first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(entries.items()):
            kind = zipfile.ZIP_STORED if first_stored and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


OOXML_TYPES = {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"}
DOCX = make_zip({**OOXML_TYPES, "word/document.xml": b"<w:document/>" * 500})
XLSX = make_zip({**OOXML_TYPES, "xl/workbook.xml": b"<workbook/>"})
PPTX = make_zip({**OOXML_TYPES, "ppt/presentation.xml": b"<presentation/>"})
DOCM = make_zip({**OOXML_TYPES, "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00"})
ODT = make_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
               first_stored=True)
ODS = make_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<o/>"},
               first_stored=True)
PLAIN_ZIP = make_zip({"photos/1.jpg": b"\xff\xd8\xff\xe0" + bytes(100), "说明.txt": "证据".encode()})
APK = make_zip({"AndroidManifest.xml": b"\x03\x00", "classes.dex": b"dex\n035\x00"})
JAR = make_zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "a/Main.class": b"\xca\xfe\xba\xbe"})
BMP = b"BM" + struct.pack("<IHHI", 70, 0, 0, 54) + struct.pack("<I", 40) + bytes(48)
TAIL = bytes(64)


@pytest.mark.parametrize(("head", "filename", "code"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "起诉状.pdf", "pdf"),
    (b"\r\n%PDF-1.4\n" + TAIL, "scan.pdf", "pdf"),  # the header may come a little late
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + TAIL, "a.png", "png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + TAIL, "photo.jpg", "jpeg"),
    (b"\xff\xd8\xff\xe1\x00\x10Exif\x00" + TAIL, "IMG_0001.JPEG", "jpeg"),
    (b"GIF89a\x01\x00\x01\x00" + TAIL, "a.gif", "gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 " + TAIL, "a.webp", "webp"),
    (b"II*\x00\x08\x00\x00\x00" + TAIL, "a.tif", "tiff"),
    (b"MM\x00*\x00\x00\x00\x08" + TAIL, "a.tiff", "tiff"),
    (BMP, "a.bmp", "bmp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + TAIL, "IMG_0002.HEIC", "heic"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + TAIL, "录像.mp4", "mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + TAIL, "clip.mov", "mov"),
    (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat" + TAIL, "old.mov", "mov"),
    (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom" + TAIL, "voice.m4a", "m4a"),
    (b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x003gp4" + TAIL, "a.3gp", "3gp"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + TAIL, "a.wav", "wav"),
    (b"RIFF\x24\x00\x00\x00AVI LIST" + TAIL, "a.avi", "avi"),
    (b"OggS\x00\x02" + TAIL, "a.ogg", "ogg"),
    (b"#!AMR\n" + TAIL, "语音.amr", "amr"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00" + TAIL, "a.mp3", "mp3"),
    (b"\xff\xfb\x90\x64" + TAIL, "a.mp3", "mp3"),  # a bare MPEG-1 layer III frame
    (DOCX, "合同.docx", "docx"),
    (DOCX[:1024], "合同.docx", "docx"),  # only the head: read from the local headers
    (XLSX, "a.xlsx", "xlsx"),
    (PPTX, "a.pptx", "pptx"),
    (ODT, "a.odt", "odt"),
    (ODT[:200], "a.odt", "odt"),
    (ODS, "a.ods", "ods"),
    (PLAIN_ZIP, "证据.zip", "zip"),
    (ole2("WordDocument", "1Table", "\x05SummaryInformation"), "a.doc", "doc"),
    (ole2("Workbook"), "a.xls", "xls"),
    (ole2("PowerPoint Document", "Current User"), "a.ppt", "ppt"),
    (ole2("A", "B", "C", "D", "E", "WordDocument"), "a.doc", "doc"),  # directory over two sectors
])
def test_allowed_kinds(head, filename, code):
    kind = sniff(head, filename)
    assert (kind.code, kind.allowed, kind.name_matches, kind.reason) == (code, True, True, "")
    assert kind.mime and kind.extension.startswith(".")


@pytest.mark.parametrize(("head", "code"), [
    (b"<!DOCTYPE html><html><body>invoice</body></html>", "html"),
    (b"\n\n  <html><script>alert(1)</script>", "html"),
    (b"\xef\xbb\xbf<script>fetch('/')</script>", "html"),
    ("<html><body>x</body></html>".encode("utf-16"), "html"),
    (b"Dear sir, see <a href='javascript:alert(1)'>here</a>", "html"),
    (b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "svg"),
    (b"<svg><script>alert(1)</script></svg>", "svg"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "xml"),
    (b"#!/bin/sh\nrm -rf /\n", "script"),
    (b"<?php system($_GET['c']); ?>", "script"),
    (b"\x7fELF\x02\x01\x01\x00" + TAIL, "executable"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + TAIL, "executable"),
    (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + TAIL, "executable"),
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + TAIL, "executable"),
    (APK, "executable"),
    (JAR, "executable"),
    (DOCM, "macro_document"),
    (ole2("\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824", "\x05SummaryInformation"), "ole2_other"),  # MSI-like
    (ole2("WordDocument", dir_start=10)[:4096], "ole2"),  # directory beyond the bytes given
    (b"\x00\x01\x02\x03\x04garbage\xfe\xff" + TAIL, "unknown"),
    (b"", "unknown"),
    ("平平无奇的文本".encode(), "text"),
])
def test_refused_kinds_even_when_named_pdf(head, code):
    kind = sniff(head, "evidence.pdf")
    assert (kind.code, kind.allowed, kind.name_matches) == (code, False, False)
    assert kind.reason


def test_pdf_header_after_markup_is_not_a_pdf():
    assert sniff(b"<html><script>x</script>%PDF-1.4", "a.pdf").code == "html"


def test_ole2_head_only_is_decided_with_the_stream():
    data = ole2("WordDocument", dir_start=10)
    assert len(data) > 4096
    assert sniff(data[:4096], "a.doc", stream=io.BytesIO(data)).code == "doc"
    assert sniff(data, "a.doc").code == "doc"


def test_stream_gives_the_central_directory():
    big = make_zip({"[Content_Types].xml": b"<Types/>", "docProps/a.bin": random.Random(1).randbytes(9000),
                    "xl/workbook.xml": b"<w/>"})
    assert sniff(big[:4096], "a.xlsx").code == "zip"  # the xl/ entry is past the head
    assert sniff(big[:4096], "a.xlsx", stream=io.BytesIO(big)).code == "xlsx"


def test_name_mismatch_is_reported_but_content_decides():
    kind = sniff(b"\x89PNG\r\n\x1a\n" + TAIL, "photo.jpg")
    assert (kind.code, kind.allowed, kind.name_matches) == ("png", True, False)


def test_allowed_is_the_callers_choice_except_for_dangerous_kinds():
    assert sniff("文本".encode(), "a.txt", allowed=DEFAULT_ALLOWED | {"text"}).allowed
    assert not sniff(PLAIN_ZIP, "a.zip", allowed=DEFAULT_ALLOWED - {"zip"}).allowed
    assert not sniff(b"MZ" + TAIL, "a.exe", allowed=frozenset({"executable"})).allowed
    assert not sniff(b"<html>", "a.html", allowed=frozenset({"html"})).allowed


@given(st.binary(max_size=600))
def test_sniff_never_crashes(head):
    kind = sniff(head, "x.bin")
    assert kind.allowed == (kind.code in DEFAULT_ALLOWED)


# --- file names -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "safe"), [
    ("起诉状.pdf", "起诉状.pdf"),
    ("南通市某某家纺有限公司 侵权证据（一）.pdf", "南通市某某家纺有限公司 侵权证据（一）.pdf"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\张三\\Desktop\\证据.jpg", "证据.jpg"),
    ("C:证据.jpg", "C_证据.jpg"),
    ("/var/www/../index.html", "index.html"),
    ("a\x00b\x1f.pdf", "ab.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override used to fake extensions
    ('a<b>c"d|e?f*g.pdf', "a_b_c_d_e_f_g.pdf"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("NUL .pdf", "_NUL.pdf"),
    ("  ..hidden.pdf. ", "hidden.pdf"),
    ("a    b\t\nc.pdf", "a b c.pdf"),
    (".pdf", "pdf"),
    ("", "file"),
    ("...", "file"),
    ("dir/", "file"),
    ("照片", "照片"),
])
def test_sanitize_filename(name, safe):
    assert sanitize_filename(name) == safe


def test_sanitize_filename_caps_length_keeping_the_extension():
    safe = sanitize_filename("证" * 300 + ".pdf")
    assert len(safe) == 120 and safe.endswith("证.pdf")
    assert len(sanitize_filename("x" * 500)) == 120
    assert sanitize_filename("a" * 30 + ".pdf", max_length=20) == "a" * 16 + ".pdf"


@given(st.text(max_size=300))
def test_sanitize_filename_properties(name):
    safe = sanitize_filename(name)
    assert 0 < len(safe) <= 120
    assert not any(c in safe for c in '/\\<>:"|?*\x00')
    assert not safe.startswith(".") and not safe.endswith((" ", "."))
    assert all(c.isprintable() or c == " " for c in safe)
    assert sanitize_filename(safe) == safe


# --- ZIP archives ---------------------------------------------------------------------------------

def patch_central(data: bytes, index: int, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of the ``index``-th central directory header."""
    at = -1
    for _ in range(index + 1):
        at = data.index(b"PK\x01\x02", at + 1)
    patched = bytearray(data)
    struct.pack_into(fmt, patched, at + offset, value)
    return bytes(patched)


def test_inspect_zip_accepts_ordinary_archive():
    summary = inspect_zip(PLAIN_ZIP)
    assert summary.names == ("photos/1.jpg", "说明.txt")
    assert summary.total_size == 104 + len("证据".encode())
    assert inspect_zip(io.BytesIO(DOCX)).names[0] == "[Content_Types].xml"


def test_inspect_zip_accepts_incompressible_large_entry():
    assert inspect_zip(make_zip({"video.mp4": random.Random(0).randbytes(2 << 20)})).total_size == 2 << 20


def zip_error(data: bytes, **limits) -> str:
    with pytest.raises(ValidationError) as caught:
        inspect_zip(data, field="evidence.file", **limits)
    assert caught.value.field == "evidence.file" and caught.value.message("zh").startswith("压缩包")
    return caught.value.code


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "limits", "code"), [
    (b"not a zip at all", {}, "bad_archive"),
    (PLAIN_ZIP[:-30], {}, "bad_archive"),
    (make_zip({f"{i}.txt": b"x" for i in range(5)}), {"max_entries": 3}, "too_many_entries"),
    (make_zip({"a.bin": bytes(2000)}), {"max_total_size": 1000}, "too_large"),
    (make_zip({f"{i}.bin": bytes(500_000) for i in range(4)}), {"max_total_size": 1 << 20}, "too_large"),
    (make_zip({"zeros.bin": bytes(4 << 20)}), {}, "compression_ratio"),
    (make_zip({"../../evil.sh": b"x"}), {}, "unsafe_path"),
    (make_zip({"ok/../../evil.sh": b"x"}), {}, "unsafe_path"),
    (make_zip({"/etc/cron.d/x": b"x"}), {}, "unsafe_path"),
    (make_zip({"C:/Windows/x.dll": b"x"}), {}, "unsafe_path"),
    (make_zip({"..\\evil.bat": b"x"}), {}, "unsafe_path"),
    (symlink_zip(), {}, "symlink"),
    (patch_central(make_zip({"secret.txt": b"x"}), 0, 8, "<H", 1), {}, "encrypted"),
    (patch_central(make_zip({"a.txt": b"a" * 100, "b.txt": b"b" * 100}), 1, 42, "<I", 0), {},
     "overlapping_entries"),
])
def test_inspect_zip_refuses(data, limits, code):
    assert zip_error(data, **limits) == code


def test_inspect_zip_allows_small_entries_that_compress_well():
    assert inspect_zip(make_zip({"log.txt": b"a" * 500_000})).total_size == 500_000


@given(st.binary(max_size=400))
def test_inspect_zip_raises_only_validation_error(data):
    with contextlib.suppress(ValidationError):
        inspect_zip(data)
