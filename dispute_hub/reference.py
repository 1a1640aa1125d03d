"""Loading the reference data (districts, organisations): an upsert, safe to run again."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from .extensions import db
from .models import District, Organization

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference.json"


def load_reference(path: Path = REFERENCE_FILE) -> dict[str, int]:
    """Insert or update districts and organisations from ``path``; returns counts of new rows.

    Existing rows are updated in place by their code, so local edits to other columns
    (e.g. an organisation made inactive) survive only for fields the file does not carry.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    created = {"districts": 0, "organizations": 0}
    for item in data["districts"]:
        district = db.session.get(District, item["code"])
        if district is None:
            district = District(code=item["code"])
            db.session.add(district)
            created["districts"] += 1
        district.name_zh, district.name_en = item["name_zh"], item["name_en"]
    db.session.flush()
    for item in data["organizations"]:
        org = db.session.execute(select(Organization).where(Organization.code == item["code"])).scalar_one_or_none()
        if org is None:
            org = Organization(code=item["code"], active=True)
            db.session.add(org)
            created["organizations"] += 1
        for key in ("name_zh", "name_en", "kind", "channels", "district_code", "specialties", "industries"):
            setattr(org, key, item[key])
    db.session.flush()
    return created
