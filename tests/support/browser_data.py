"""What the browser journeys run on: a fresh instance with the reference data and the people of the journeys,
evidence files made on the spot, and the filing form filled as a rights holder fills it."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from dispute_hub.demo import DemoAccount as Person
from dispute_hub.intake.validators import patent_check_digit, uscc_check_character

PASSWORD = "correct-horse-battery"
PEOPLE = {
    "textile_mediator": Person("feng.xue@hometextile.example.cn", "冯雪", "mediator", "nt-hometextile-center",
                               ("patent", "copyright", "trademark")),
    "people_mediator": Person("li.na@ipmediation.example.cn", "李娜", "mediator", "nt-ip-people-mediation",
                              ("trademark", "copyright", "patent"), ("zh", "en")),
    "liaison": Person("zhou.min@court.example.cn", "周敏", "liaison"),
}


def live_config(instance: Path) -> dict:
    """The embedded mode on a fresh instance folder: SQLite there, tasks inline, embedded search, no mail."""
    return {
        "ENV": "development", "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'dispute_hub.sqlite3'}",
        "BROKER_URL": "", "RESULT_BACKEND": "", "ELASTICSEARCH_URL": "", "SMTP_HOST": "",
        "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": False,
        # a failing inline task fails the request, so the journey sees it
        "TASKS_RAISE": True,
    }


def prepare_instance(app) -> None:
    """``init-db`` as an operator runs it, then the journeys' staff created by the account service."""
    from dispute_hub.auth.services import create_user
    from dispute_hub.extensions import db
    from dispute_hub.models import Organization

    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for person in PEOPLE.values():
            org = db.session.query(Organization).filter_by(code=person.org).one() if person.org else None
            profile = {"specialties": list(person.specialties), "languages": list(person.languages), "capacity": 40}
            create_user(email=person.email, name=person.name, password=PASSWORD, role=person.role,
                        organization=org, profile=profile if person.role == "mediator" else None)
        db.session.commit()
        db.session.remove()


def pdf_file(title: str) -> bytes:
    """A real one-page PDF (made with pypdf), as a scanned notarial certificate would be."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_file() -> bytes:
    """A real PNG: a small picture of a patterned bed cover, as a shop screenshot would be."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (250, 240, 230))
    draw = ImageDraw.Draw(image)
    for x in range(0, 240, 30):
        draw.ellipse((x + 5, 50, x + 25, 70), fill=(200, 40, 60))
    draw.rectangle((10, 100, 230, 150), outline=(90, 60, 40), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def company_uscc(first17: str = "91320602MA1N2L3J7") -> str:
    return first17 + uscc_check_character(first17)


def design_patent(digits: str = "202130123456") -> str:
    """A Chinese design patent number (digit 5 is 3: design) with its check digit."""
    return f"ZL{digits}.{patent_check_digit(digits)}"


def learned_on(days_ago: int = 20) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def fill_form(page, values: dict[str, str], selects: dict[str, str] | None = None) -> None:
    """Type into the filing form's fields by their names, and choose in its selects."""
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(value)
    for name, value in (selects or {}).items():
        page.locator(f'select[name="{name}"]').select_option(value)


def history_lines(year: int) -> list[dict]:
    """Cases the people's mediation committee handled earlier this year, as its spreadsheet export would have
    them for ``import-cases``: six closed (three rated, one of them badly), four still open."""
    org, channel = "nt-ip-people-mediation", "people_mediation"
    shops = [
        ("南通市优品床上用品有限公司", "trademark", "侵害商标权纠纷"),
        ("海门区锦华布艺商行", "copyright", "侵害著作权纠纷"),
        ("如皋市恒达纺织品有限公司", "patent", "侵害外观设计专利权纠纷"),
        ("启东市星辰家居用品店", "trademark", "侵害商标权纠纷"),
        ("南通市崇川区美家家纺店", "copyright", "侵害著作权纠纷"),
    ]
    closed = [("settled", 5), ("settled", 3), ("failed", 2), ("settled", None), ("withdrawn", None), ("settled", None)]
    lines = []
    for n in range(10):
        respondent, ip_type, cause = shops[n % len(shops)]
        month = 2 + n % 8
        line = {
            "external_id": f"NTRMTJ-{year}-{n + 1:03d}",
            "description": f"申请人发现{respondent}未经许可销售侵权商品，请求停止侵权并赔偿损失。",
            "claimant": {"kind": "company", "name": "南通锦绣家纺有限公司"},
            "respondents": [{"kind": "company", "name": respondent}],
            "ip_right": {"type": ip_type}, "district": "崇川区", "industry": "home_textile",
            "filed_at": f"{year}-{month:02d}-03T09:30:00+08:00", "channel": channel, "organization": org,
            "cause_name": cause,
        }
        if n < len(closed):
            closure, rating = closed[n]
            line |= {"closure": closure, "closed_at": f"{year}-{month:02d}-25T16:00:00+08:00"}
            if closure != "withdrawn":
                line["accepted_at"] = f"{year}-{month:02d}-05"
            if rating:
                line["satisfaction"] = rating
        else:
            line |= {"status": "in_mediation", "accepted_at": f"{year}-{month:02d}-05"}
        lines.append(line)
    return lines
