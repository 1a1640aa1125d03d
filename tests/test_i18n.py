"""Every interface string has its Simplified Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("dispute_hub/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def test_every_msgid_has_a_chinese_translation():
    with (ROOT / "dispute_hub/translations/zh/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS,
    ):
        found.add(message if isinstance(message, str) else message[0])
    missing = sorted(m for m in found if m and m not in translated)
    assert not missing, "add these to the zh catalogue (make translations): " + "; ".join(missing)
