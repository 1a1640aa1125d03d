"""Journeys a and b in a real browser: a Chinese company files a design-patent complaint and follows it in the
portal; a foreign rights holder switches the interface to English and files a trademark complaint."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.browser_data import fill_form, learned_on, pdf_file, png_file
from tests.support.browser_steps import ACCESS_CODE, TRACKING_NO, file_design_complaint, go, open_in_portal

pytestmark = pytest.mark.browser

def test_company_files_a_design_patent_complaint_and_follows_it(journey):
    pdf, png = pdf_file("购买公证书"), png_file()
    claimant = journey.actor("company")
    number, code = file_design_complaint(claimant, [
        {"name": "购买公证书.pdf", "mimeType": "application/pdf", "buffer": pdf},
        {"name": "店铺商品截图.png", "mimeType": "image/png", "buffer": png},
    ])

    later = journey.actor("company-later")  # another day, another browser: only the number and the code
    open_in_portal(later, number, code)
    page = later.page
    assert page.locator("h1").inner_text() == number
    assert "审查中" in page.locator("#case-status").inner_text()
    assert "中国南通（家纺）知识产权快速维权中心" in page.locator("dl.facts").inner_text()
    evidence = page.locator("table.data").inner_text()
    for name, content in (("购买公证书.pdf", pdf), ("店铺商品截图.png", png)):
        assert name in evidence and hashlib.sha256(content).hexdigest() in evidence
    later.shot("case in the portal")
    later.watch.expect_download(r"^/evidence/")
    name, body = later.download(lambda: page.get_by_role("link", name="店铺商品截图.png").click())
    assert name == "店铺商品截图.png" and body == png  # the evidence comes back byte for byte


def test_foreign_rights_holder_switches_to_english_and_files_a_trademark_complaint(journey):
    holder = journey.actor("foreign-holder", locale="de-DE")  # a language the platform does not have
    page = holder.page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    holder.shot("home in chinese")
    go(page, page.get_by_role("link", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    go(page, page.get_by_role("link", name="File a complaint").first)
    page.wait_for_url("**/file")
    fill_form(page, {
        "claimant-name": "Nordlicht Textiles GmbH", "claimant-id_number": "HRB 204518 (Amtsgericht Hamburg)",
        "claimant-country": "DE", "claimant-phone": "+49 40 3070 1234", "claimant-email": "legal@nordlicht.example.de",
        "claimant-address": "Speicherstadt 12, 20457 Hamburg, Germany",
        "respondents-0-name": "苏州市云裳服饰有限公司", "respondents-0-online_store": "Taobao shop 云裳潮牌",
        "ip_right-number": "1385072", "ip_right-title": "NORDLICHT (word mark, class 25)",
        "ip_right-owner": "Nordlicht Textiles GmbH",
        "description": "The respondent sells T-shirts and hoodies bearing our registered trademark NORDLICHT in its "
                       "Taobao shop without our consent. We ask that the sales stop, the listings are removed and "
                       "our losses are compensated.",
        "discovered_on": learned_on(35), "claim_damages": "80000",
    }, {"ip_right-type": "trademark", "district": "通州区", "industry": "apparel"})
    page.locator('input[name="evidence"]').set_input_files([
        {"name": "test-purchase-receipt.pdf", "mimeType": "application/pdf", "buffer": pdf_file("Test purchase")}])
    go(page, page.get_by_role("button", name="Where will my case go?"))
    preview = page.locator("#routing-preview").inner_text()
    assert "People's mediation" in preview and "Nantong IP Dispute People's Mediation Committee" in preview, preview
    holder.shot("routing preview in english")
    go(page, page.get_by_role("button", name="Submit the complaint"))
    page.wait_for_url("**/file/done")
    assert "Your complaint was received" in page.locator("h1").inner_text()
    number = page.locator("#tracking-no").inner_text()
    assert TRACKING_NO.fullmatch(number) and ACCESS_CODE.fullmatch(page.locator("#access-code").inner_text())
    holder.shot("receipt in english")
    go(page, page.get_by_role("link", name="Follow the case"))
    page.wait_for_url(f"**/track/{number}")
    assert page.locator("#case-status").inner_text() == "Screening"
    assert "test-purchase-receipt.pdf" in page.locator("table.data").inner_text()
    holder.shot("case in the portal in english")
