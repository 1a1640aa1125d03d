"""Upload types decided by content (not by name), safe file names, and ZIP archive checks."""

# Hand-written signatures rather than `filetype` or `puremagic`: we accept a short allow-list, so
# ~30 well-documented magic numbers are easy to audit; a security decision should not move with a
# library's signature database; neither library tells DOCX from a macro-enabled DOCM or a Word .doc
# from an MSI installer (both OLE2), nor refuses HTML/SVG/scripts; and it keeps intake dependency-free.

from __future__ import annotations

import io
import re
import stat
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from typing import BinaryIO

from .validators import ValidationError


@dataclass(frozen=True)
class FileKind:
    """What an upload is: a short ``code``, its MIME type and usual extensions, and whether it is allowed."""

    code: str
    mime: str
    extensions: tuple[str, ...]
    allowed: bool = False
    reason: str = ""  # why a refused kind is refused (English, for logs and the API)
    name_matches: bool = True  # whether the upload's own extension fits its content

    @property
    def extension(self) -> str:
        """The usual extension, with its dot ("" when there is none)."""
        return self.extensions[0] if self.extensions else ""


def _kind(code: str, mime: str, *extensions: str, reason: str = "") -> FileKind:
    return FileKind(code, mime, extensions, reason=reason)


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
KINDS: dict[str, FileKind] = {k.code: k for k in (
    _kind("pdf", "application/pdf", ".pdf"),
    _kind("png", "image/png", ".png"),
    _kind("jpeg", "image/jpeg", ".jpg", ".jpeg", ".jpe", ".jfif"),
    _kind("gif", "image/gif", ".gif"),
    _kind("webp", "image/webp", ".webp"),
    _kind("tiff", "image/tiff", ".tif", ".tiff"),
    _kind("bmp", "image/bmp", ".bmp"),
    _kind("heic", "image/heic", ".heic", ".heif"),  # what phones take photos in
    _kind("doc", "application/msword", ".doc", ".dot", ".wps"),
    _kind("xls", "application/vnd.ms-excel", ".xls", ".et"),
    _kind("ppt", "application/vnd.ms-powerpoint", ".ppt", ".pps", ".dps"),
    _kind("docx", _OOXML + "wordprocessingml.document", ".docx", ".wps"),
    _kind("xlsx", _OOXML + "spreadsheetml.sheet", ".xlsx", ".et"),
    _kind("pptx", _OOXML + "presentationml.presentation", ".pptx", ".dps"),
    _kind("odt", _ODF + "text", ".odt"),
    _kind("ods", _ODF + "spreadsheet", ".ods"),
    _kind("odp", _ODF + "presentation", ".odp"),
    _kind("zip", "application/zip", ".zip"),
    _kind("mp3", "audio/mpeg", ".mp3"),
    _kind("m4a", "audio/mp4", ".m4a"),
    _kind("amr", "audio/amr", ".amr"),  # voice messages and phone recorders
    _kind("wav", "audio/wav", ".wav"),
    _kind("ogg", "audio/ogg", ".ogg", ".oga", ".ogv", ".opus"),
    _kind("mp4", "video/mp4", ".mp4", ".m4v"),
    _kind("mov", "video/quicktime", ".mov", ".qt"),
    _kind("3gp", "video/3gpp", ".3gp", ".3g2"),
    _kind("avi", "video/x-msvideo", ".avi"),
    _kind("text", "text/plain", ".txt", ".csv", ".log"),
    _kind("html", "text/html", ".html", ".htm", reason="HTML can run script in a browser"),
    _kind("svg", "image/svg+xml", ".svg", reason="SVG can run script in a browser"),
    _kind("xml", "application/xml", ".xml", reason="XML may be XHTML or carry external entities"),
    _kind("script", "text/x-script", ".sh", ".php", ".py", ".js", reason="scripts are not evidence"),
    _kind("executable", "application/octet-stream", ".exe", ".dll", ".so", ".apk", ".jar",
          reason="programs are never accepted"),
    _kind("macro_document", "application/octet-stream", ".docm", ".xlsm", ".pptm",
          reason="Office documents with macros are not accepted"),
    _kind("ole2_other", "application/x-ole-storage", ".msi",
          reason="an OLE2 file that is not a Word, Excel or PowerPoint document (e.g. an installer)"),
    _kind("ole2", "application/x-ole-storage",
          reason="an OLE2 file whose directory lies beyond the bytes given: pass the whole file"),
    _kind("unknown", "application/octet-stream", reason="the content is not a recognised file type"),
)}
REFUSED_ALWAYS = frozenset({"html", "svg", "xml", "script", "executable", "macro_document", "ole2_other",
                            "ole2", "unknown"})
DEFAULT_ALLOWED = frozenset(KINDS) - REFUSED_ALWAYS - {"text"}

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "executable"), (b"MZ", "executable"), (b"\xfe\xed\xfa\xce", "executable"),
    (b"\xfe\xed\xfa\xcf", "executable"), (b"\xce\xfa\xed\xfe", "executable"),
    (b"\xcf\xfa\xed\xfe", "executable"), (b"\xca\xfe\xba\xbe", "executable"),  # Mach-O, Java class
    (b"dex\n", "executable"), (b"\x00asm", "executable"), (b"L\x00\x00\x00\x01\x14\x02\x00", "executable"),
    (b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
    (b"GIF89a", "gif"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"II+\x00", "tiff"),
    (b"MM\x00+", "tiff"), (b"OggS", "ogg"), (b"#!AMR", "amr"), (b"ID3", "mp3"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),
)
_RIFF = {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}
# What browsers treat as HTML when it leads a document (WHATWG MIME sniffing), and markers anywhere.
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title"
                         r"|b|br|p|meta|object|embed|form|img|!--)[\s>/]")
_HTML_ANYWHERE = re.compile(r"<script|<html|<iframe|<object|<embed|javascript:|onload\s*=|onerror\s*=")


def _by_prefix(head: bytes) -> str | None:
    for prefix, code in _PREFIXES:
        if head.startswith(prefix):
            return code
    if head[:4] == b"RIFF":
        return _RIFF.get(head[8:12])
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        if brand in _HEIF_BRANDS:
            return "heic"
        return "3gp" if brand[:3] in (b"3gp", b"3g2") else "mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "mov"
    if head[:2] == b"BM" and len(head) >= 18 and struct.unpack_from("<I", head, 14)[0] in _BMP_HEADER_SIZES:
        return "bmp"
    return "mp3" if _is_mp3_frame(head) else None


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _text_kind(head: bytes) -> str:
    """Markup, scripts, plain text or unknown, for content no binary signature claimed."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:4096].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore")
    else:
        text = head[:4096].removeprefix(b"\xef\xbb\xbf").decode("utf-8", "ignore")
    lowered = text.lstrip().lower()
    if lowered.startswith("#!") or "<?php" in lowered:
        return "script"
    if "<svg" in lowered[:2048]:
        return "svg"
    if _HTML_START.match(lowered) or _HTML_ANYWHERE.search(lowered):
        return "html"
    if lowered.startswith("<?xml"):
        return "xml"
    sample = head[:4096]
    if sample and b"\x00" not in sample and _decodes(sample):
        return "text"
    return "unknown"


def _decodes(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 3  # only a character cut off by the end of the sample
    return True


def _pdf_late_header(head: bytes) -> bool:
    """A %PDF- header within the first 1024 bytes (allowed by the spec) after no markup."""
    at = head[:1024].find(b"%PDF-")
    return at > 0 and _text_kind(head[:at]) in ("text", "unknown")


_SNIFF_MAX_ENTRIES = 20_000  # more than this and only the leading local headers are read


def _zip_names(head: bytes, stream: BinaryIO | None) -> list[str]:
    """Entry names from the central directory when the whole file is at hand, else the local headers."""
    f = stream if stream is not None else io.BytesIO(head)
    claimed = _eocd_entries(f)
    if claimed is not None and claimed <= _SNIFF_MAX_ENTRIES:
        try:
            with zipfile.ZipFile(f) as archive:
                return archive.namelist()
        except Exception:  # any malformed archive: fall back to what the local headers show
            return _local_header_names(head)
    return _local_header_names(head)


def _local_header_names(head: bytes) -> list[str]:
    names: list[str] = []
    offset = 0
    while len(names) < 256 and head[offset:offset + 4] == b"PK\x03\x04" and offset + 30 <= len(head):
        (flags,) = struct.unpack_from("<H", head, offset + 6)
        (size,) = struct.unpack_from("<I", head, offset + 18)  # compressed size
        name_len, extra_len = struct.unpack_from("<2H", head, offset + 26)
        names.append(head[offset + 30:offset + 30 + name_len].decode("utf-8", "replace"))
        if flags & 0x08:  # sizes follow the data, so the next header cannot be found
            break
        offset += 30 + name_len + extra_len + size
    return names


def _zip_kind(head: bytes, stream: BinaryIO | None) -> str:
    if head[30:38] == b"mimetype" and head[38:73] == b"application/vnd.oasis.opendocument.":
        subtype = head[73:90].split(b"\x00")[0]
        for code, mime in (("odt", b"text"), ("ods", b"spreadsheet"), ("odp", b"presentation")):
            if subtype.startswith(mime) and not subtype.startswith(mime + b"-template"):
                return code
    names = _zip_names(head, stream)
    if any(n.endswith("vbaProject.bin") for n in names):
        return "macro_document"
    if "classes.dex" in names or "AndroidManifest.xml" in names or (
            "META-INF/MANIFEST.MF" in names and any(n.endswith(".class") for n in names)):
        return "executable"
    if "[Content_Types].xml" in names:
        for code, folder in (("docx", "word/"), ("xlsx", "xl/"), ("pptx", "ppt/")):
            if any(n.startswith(folder) for n in names):
                return code
    return "zip"


def _ole2_kind(head: bytes, stream: BinaryIO | None) -> str:
    """Word, Excel or PowerPoint by the stream names in the OLE2 directory; anything else is refused."""
    names = set(_ole2_names(stream if stream is not None else io.BytesIO(head)))
    if not names:
        return "ole2"
    for code, marker in (("doc", "WordDocument"), ("xls", "Workbook"), ("xls", "Book"),
                         ("ppt", "PowerPoint Document")):
        if marker in names:
            return code
    return "ole2_other"


def _ole2_names(f: BinaryIO) -> list[str]:
    """Directory entry names of an OLE2 compound file, following the directory's sector chain."""
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        return []
    size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
    if size not in (512, 4096):
        return []
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
    per_fat = size // 4
    names: list[str] = []
    sector: int = struct.unpack_from("<I", header, 0x30)[0]
    seen: set[int] = set()
    while sector < 0xFFFFFFFA and sector not in seen and len(seen) < 128:
        seen.add(sector)
        f.seek((sector + 1) * size)
        data = f.read(size)
        for at in range(0, len(data) - 127, 128):
            length = struct.unpack_from("<H", data, at + 64)[0]
            if 2 <= length <= 64:
                names.append(data[at:at + length - 2].decode("utf-16-le", "replace"))
        if sector // per_fat >= len(fat_sectors):
            break
        f.seek((fat_sectors[sector // per_fat] + 1) * size + (sector % per_fat) * 4)
        entry = f.read(4)
        sector = struct.unpack("<I", entry)[0] if len(entry) == 4 else 0xFFFFFFFE
    return names


def sniff(head: bytes, filename: str = "", *, stream: BinaryIO | None = None,
          allowed: frozenset[str] = DEFAULT_ALLOWED) -> FileKind:
    """The kind of an upload, by its content; ``filename`` only sets ``name_matches``.

    :param head: the first bytes (4 KiB or more); the whole file also lets ZIP and OLE2 containers
        (DOCX vs ZIP, DOC vs an installer) be told apart without ``stream``
    :param stream: the whole upload, seekable, for those containers; read, never extracted
    :param allowed: kind codes the caller accepts; the dangerous kinds are refused whatever it says
    """
    code = _by_prefix(head)
    if code == "zip":
        code = _zip_kind(head, stream)
    elif code == "ole2":
        code = _ole2_kind(head, stream)
    elif code is None:
        code = "pdf" if _pdf_late_header(head) else _text_kind(head)
    kind = KINDS[code]
    ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    ok = code in allowed and code not in REFUSED_ALWAYS
    reason = kind.reason or ("" if ok else "this file type is not accepted")
    return replace(kind, allowed=ok, reason=reason, name_matches=ext in kind.extensions)


_RESERVED = re.compile(r"(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,16}$")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, bidi overrides, unassigned


def sanitize_filename(name: str, max_length: int = 120) -> str:
    """A safe display/download name: no directories or traversal, no control or bidi characters,
    no characters Windows forbids, not a reserved device name; CJK kept; at most ``max_length``
    characters, cut from the stem so the extension survives. Never empty ("file").
    """
    text = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"[\t\n\r\v\f]", " ", text)  # line breaks and tabs separate words: keep a space
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = re.sub(r'[<>:"|?*]', "_", unicodedata.normalize("NFC", text))
    text = re.sub(r"\s+", " ", text).strip(" .")
    if _RESERVED.fullmatch(text.split(".", 1)[0].strip()):
        text = "_" + text
    match = _EXTENSION.search(text)
    ext = match.group(0) if match and match.start() > 0 else ""
    stem = text[: len(text) - len(ext)][: max(max_length - len(ext), 1)].rstrip(" .")
    return (stem or "file") + ext


@dataclass(frozen=True)
class ZipSummary:
    """What a checked archive holds: its entry names and their total uncompressed size."""

    names: tuple[str, ...]
    total_size: int


_RATIO_FLOOR = 1 << 20  # entries smaller than 1 MiB may compress as well as they like
_ARCHIVE_RATIO_FLOOR = 8 << 20  # ... unless together they expand past 8 MiB
_BOMB = ("compression_ratio", "压缩比异常，疑似“压缩炸弹”", "expands suspiciously much (a possible zip bomb)")
_UNSAFE_NAME = re.compile(r"(?:^[/\\]|^[A-Za-z]:|(?:^|[/\\])\.\.(?:[/\\]|$)|[\x00-\x1f])")


def _zip_error(field: str, code: str, zh: str, en: str) -> ValidationError:
    return ValidationError(field, code, f"压缩包{zh}", f"The archive {en}")


def _eocd_entries(f: BinaryIO) -> int | None:
    """The entry count the end-of-central-directory record claims, before zipfile loads them all."""
    f.seek(0, io.SEEK_END)
    end = f.tell()
    f.seek(max(0, end - 65557))
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack_from("<H", tail, at + 10)[0]
    return None if count == 0xFFFF else count  # 0xFFFF: ZIP64, counted by zipfile below


def inspect_zip(source: bytes | BinaryIO, *, max_entries: int = 1000, max_total_size: int = 512 << 20,
                max_ratio: int = 100, field: str = "evidence.file") -> ZipSummary:
    """Check an archive without extracting it; raises ValidationError for a bomb or an unsafe entry.

    Refuses more than ``max_entries`` entries, a total uncompressed size over ``max_total_size``, an
    entry over 1 MiB or a whole archive over 8 MiB that expands more than ``max_ratio`` times, overlapping
    entries (the non-recursive bomb), absolute or ``..`` paths, symbolic links and encrypted entries. Sizes
    come from the central directory; zipfile stops reading an entry at its declared size, so a lying header
    cannot exceed it.
    """
    f = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    claimed = _eocd_entries(f)
    if claimed is not None and claimed > max_entries:
        raise _zip_error(field, "too_many_entries", f"包含的文件过多（超过{max_entries}个）",
                         f"holds too many files (more than {max_entries})")
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
    except Exception:  # zipfile raises many types on malformed input; all mean the same here
        raise _zip_error(field, "bad_archive", "已损坏或不是ZIP文件",
                         "is damaged or not a ZIP file") from None
    if len(infos) > max_entries:
        raise _zip_error(field, "too_many_entries", f"包含的文件过多（超过{max_entries}个）",
                         f"holds too many files (more than {max_entries})")
    for info in infos:
        _check_entry(info, field, max_ratio)
    total = sum(i.file_size for i in infos)
    if total > max_total_size:
        raise _zip_error(field, "too_large", "解压后过大", "would be too large once extracted")
    # many entries each under the floor can still add up to a bomb (500 × 1 MiB from a few dozen KiB)
    if total >= _ARCHIVE_RATIO_FLOOR and total > max_ratio * max(sum(i.compress_size for i in infos), 1):
        raise _zip_error(field, *_BOMB)
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for first, second in zip(ordered, ordered[1:], strict=False):
        # a local header takes at least 30 bytes before its data, so a legitimate archive never fails this
        if first.header_offset + 30 + first.compress_size > second.header_offset:
            raise _zip_error(field, "overlapping_entries", "结构异常（文件相互重叠）",
                             "has overlapping entries (a known zip-bomb trick)")
    return ZipSummary(tuple(i.filename for i in infos), total)


def _check_entry(info: zipfile.ZipInfo, field: str, max_ratio: int) -> None:
    if _UNSAFE_NAME.search(info.filename):
        raise _zip_error(field, "unsafe_path", f"中的文件路径不安全：{info.filename[:80]}",
                         f"holds an unsafe path: {info.filename[:80]}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _zip_error(field, "symlink", "包含符号链接", "holds a symbolic link")
    if info.flag_bits & 0x1:
        raise _zip_error(field, "encrypted", "已加密，无法检查", "is encrypted and cannot be checked")
    if info.file_size >= _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        raise _zip_error(field, *_BOMB)
