"""The dashboard, drill-down pages, exports and monthly report: who may see them and what they show."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from tests.stats.conftest import AS_OF

PARAMS = f"from=2025-03-01&to=2025-03-31&as_of={AS_OF}"


def test_roles_without_statistics_get_403_and_strangers_the_login(client, auth, world):
    assert client.get("/stats/").status_code == 302
    for who in ("mediator", "claimant"):
        auth.login(world["users"][who])
        assert client.get(f"/stats/?{PARAMS}").status_code == 403
        assert client.get(f"/stats/cases?set=closed&{PARAMS}").status_code == 403
        assert client.get(f"/stats/cases.csv?set=closed&{PARAMS}").status_code == 403
        auth.logout()


def test_dashboard_tiles_flag_the_missed_targets_and_link_every_number(client, auth, world):
    auth.login(world["users"]["liaison"])
    page = client.get(f"/stats/?{PARAMS}&by=channel").get_data(as_text=True)
    assert "71.4%" in page and "75.0%" in page and "80.0%" in page  # closure 5/7, acceptance 3/4, satisfaction 4/5
    assert page.count("Target missed") + page.count("未达标") == 3
    for name in ("closed", "closure_base", "acceptance_base", "pending_appeal", "rejected_filings"):
        assert f"set={name}" in page
    assert "key=people_mediation" in page and "<svg" in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    # the breakdown's numbers are links: no bare number cell in the table body
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    cells = re.findall(r'<td class="n">(.*?)</td>', body, flags=re.S)
    assert cells and all("<a " in cell for cell in cells)


def test_drill_down_page_lists_the_cases_of_a_group(client, auth, world):
    auth.login(world["users"]["liaison"])
    page = client.get(f"/stats/cases?set=closed&by=channel&key=litigation_mediation&{PARAMS}").get_data(as_text=True)
    assert "案件 declined" in page and "案件 referred" in page and "案件 in_and_out" not in page
    assert client.get(f"/stats/cases?set=nothing&{PARAMS}").status_code == 404
    assert client.get(f"/stats/cases?set=closed&by=month&key=2031-01&{PARAMS}").status_code == 404
    assert client.get("/stats/?from=2025-04-01&to=2025-03-01").status_code == 400


def test_org_admin_drill_down_is_limited_to_their_organisation(client, auth, world):
    auth.login(world["users"]["org_admin_b"])
    page = client.get(f"/stats/cases?set=closed&{PARAMS}").get_data(as_text=True)
    assert "案件 declined" in page and "案件 closed_last_day" not in page
    dashboard = client.get(f"/stats/?{PARAMS}&by=organization").get_data(as_text=True)
    assert "org-a" not in dashboard and "测试机构" in dashboard


def test_csv_export_of_a_drill_down_and_of_a_breakdown(client, auth, world, monkeypatch):
    from dispute_hub.stats import views

    monkeypatch.setattr(views, "STREAM_ROWS", 3)  # the four rows come in two keyset pages
    auth.login(world["users"]["liaison"])
    court = client.get(f"/stats/cases.csv?set=first_instance_concluded&{PARAMS}").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(court.lstrip("\ufeff"))))) == 1 + 6
    response = client.get(f"/stats/cases.csv?set=ratings&{PARAMS}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + 5 and sorted(r[14] for r in rows[1:]) == ["", "3", "4", "5", "5"]
    assert sorted(r[15] for r in rows[1:]) == ["", "", "", "", "4"]  # the respondent's rating of referred
    breakdown = client.get(f"/stats/breakdown.csv?by=channel&{PARAMS}").get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(breakdown)))
    assert table[1][:2] == ["total", ""] and table[1][4] == "5"
    assert [r[0] for r in table[2:]][:3] == ["litigation_mediation", "people_mediation", "industry_mediation"]


@pytest.mark.parametrize("path", ["/stats/cases.xlsx?set=received&", "/stats/breakdown.xlsx?by=month&"])
def test_xlsx_exports_open_as_workbooks(client, auth, world, path):
    auth.login(world["users"]["admin"])
    response = client.get(path + PARAMS)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == (1 + 4 if "cases" in path else 1 + 1 + 1)


def test_monthly_report_as_html_and_pdf(client, auth, world):
    from pypdf import PdfReader

    auth.login(world["users"]["liaison"])
    html = client.get(f"/stats/report?month=2025-03&as_of={AS_OF}").get_data(as_text=True)
    assert "2025-03-01" in html and "<svg" in html and "71.4%" in html
    assert "<style" not in html and "css/report.css" in html  # the CSP (style-src 'self') refuses inline styles
    response = client.get(f"/stats/report.pdf?month=2025-03&as_of={AS_OF}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert "2025-03" in text and "71.4%" in text
