"""Steps that several browser journeys share: filing through the Chinese form, opening the portal, logging in."""

from __future__ import annotations

import re

from tests.support.browser_data import PASSWORD, company_uscc, design_patent, fill_form, learned_on


def go(page, target) -> None:
    """Click a link or a form's button and wait until the page the server answers with (after any redirect)
    has loaded, so that the next step reads the new page and never the old one."""
    with page.expect_navigation(wait_until="load"):
        target.click()


TRACKING_NO = re.compile(r"NTIP-\d{4}-\d{6}")
ACCESS_CODE = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}")


def file_design_complaint(person, evidence: list[dict], *, respondent: str = "义乌市佳美日用品有限公司",
                          shots: bool = True) -> tuple[str, str]:
    """A home-textile company files a design-patent complaint through the Chinese form, previewing where it
    goes first; returns the tracking number and access code from the receipt."""
    page = person.page
    page.goto("/")
    if shots:
        person.shot("home")
    go(page, page.get_by_role("link", name="提交纠纷申请").first)
    page.wait_for_url("**/file")
    fill_form(page, {
        "claimant-name": "南通锦绣家纺有限公司", "claimant-id_number": company_uscc(),
        "claimant-phone": "0513-85012345", "claimant-email": "ip@jinxiu.example.com",
        "claimant-address": "江苏省南通市崇川区工农路 88 号",
        "respondents-0-name": respondent, "respondents-0-online_store": "拼多多“佳美家居”店",
        "ip_right-number": design_patent(), "ip_right-title": "床罩（花开富贵）",
        "ip_right-owner": "南通锦绣家纺有限公司",
        "description": "被申请人在拼多多“佳美家居”店铺销售与申请人外观设计专利“床罩（花开富贵）”相同的床罩，"
                       "图案与整体形状一致。申请人已公证购买，请求停止销售、下架链接并赔偿损失。",
        "discovered_on": learned_on(), "claim_damages": "50000",
    }, {"claimant-kind": "company", "ip_right-type": "patent", "district": "崇川区", "industry": "home_textile"})
    page.locator('input[name="evidence"]').set_input_files(evidence)
    if shots:
        person.shot("form filled")
    go(page, page.get_by_role("button", name="预览分流去向"))
    preview = page.locator("#routing-preview")
    assert "行业调解" in preview.inner_text() and "家纺" in preview.inner_text()
    # the evidence went up with the preview and is kept as a draft, not asked for again
    drafts = page.locator("ul.files").inner_text()
    assert all(f["name"] in drafts for f in evidence), drafts
    if shots:
        person.shot("routing preview")
    go(page, page.get_by_role("button", name="提交申请"))
    page.wait_for_url("**/file/done")
    number, code = page.locator("#tracking-no").inner_text(), page.locator("#access-code").inner_text()
    assert TRACKING_NO.fullmatch(number) and ACCESS_CODE.fullmatch(code), (number, code)
    if shots:
        person.shot("receipt with tracking number and access code")
    return number, code


def open_in_portal(person, number: str, code: str) -> None:
    """Type the tracking number and access code into /track, as on another day or device."""
    page = person.page
    page.goto("/track")
    fill_form(page, {"tracking_no": number, "access_code": code})
    go(page, page.get_by_role("button", name="查询", exact=True))
    page.wait_for_url(f"**/track/{number}")


def log_in(person, email: str) -> None:
    page = person.page
    page.goto("/login")
    fill_form(page, {"email": email, "password": PASSWORD})
    go(page, page.locator("form.form").get_by_role("button", name="登录"))
    page.wait_for_url(lambda url: "/login" not in url)
