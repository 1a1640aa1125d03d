"""Journey c in a real browser: a mediator takes a filed case from the queue to a signed settlement; the
respondent consents and signs through the invitation portal, the claimant signs and rates in the case portal."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.support.browser_data import PEOPLE, fill_form, pdf_file
from tests.support.browser_steps import ACCESS_CODE, file_design_complaint, go, log_in, open_in_portal

pytestmark = pytest.mark.browser

RESPONDENT = "南通鑫源家纺用品有限公司"
TERMS = ("被申请人立即停止销售被控侵权床罩，并于三日内下架全部相关商品链接；",
         "被申请人于 2027 年 1 月 15 日前向申请人支付赔偿金人民币 30000 元；",
         "双方就本纠纷再无其他争议。")


def act(page, action: str, button: str) -> None:
    """Press the button of one action form on the staff case page and wait for the page to come back."""
    go(page, page.locator(f"form.action-{action}").get_by_role("button", name=button))
    assert not page.locator(".flash-error").count(), page.locator(".flash-error").all_inner_texts()


def sign(person, number: str) -> None:
    """Open the agreement from the page in front of the person, read it and sign it."""
    page = person.page
    go(page, page.get_by_role("link", name="阅读并签署"))
    page.wait_for_url(re.compile(rf"/cases/{number}/documents/\d+/sign$"))
    assert "被申请人立即停止销售被控侵权床罩" in page.locator("article.document-text").inner_text()
    page.get_by_label("我已阅读本协议并同意签署").check()
    go(page, page.get_by_role("button", name="签署协议"))
    assert "您已签署" in page.locator(".flash-success").first.inner_text()


def test_mediator_settles_the_case_and_the_claimant_rates_it(journey):
    claimant = journey.actor("claimant")
    number, code = file_design_complaint(claimant, [
        {"name": "公证购买证据.pdf", "mimeType": "application/pdf", "buffer": pdf_file("公证购买证据")}],
        respondent=RESPONDENT, shots=False)

    mediator = journey.actor("mediator")
    log_in(mediator, PEOPLE["textile_mediator"].email)
    page = mediator.page
    go(page, page.get_by_role("link", name=re.compile("工作队列")))
    page.wait_for_url("**/cases/queue")
    row = page.locator("table.queue tr", has_text=number)
    assert "审查中" in row.inner_text()
    mediator.shot("queue")
    go(page, row.get_by_role("link", name=number))
    page.wait_for_url(f"**/cases/{number}")
    mediator.shot("case page in screening")
    act(page, "accept", "受理")
    assert "已分派" in page.locator("dl.facts").inner_text()  # accepting gave it to the proposed mediator

    page.locator("form.action-invite select").select_option(label=RESPONDENT)
    act(page, "invite", "邀请被申请人")
    invitation = ACCESS_CODE.search(page.locator(".flash-success").inner_text()).group(0)
    mediator.shot("respondent invited")

    respondent = journey.actor("respondent")
    rpage = respondent.page
    rpage.goto("/cases/respond")
    fill_form(rpage, {"tracking_no": number, "invite_code": invitation})
    go(rpage, rpage.get_by_role("button", name="查询", exact=True))
    rpage.wait_for_url(f"**/cases/respond/{number}")
    respondent.shot("invitation")
    go(rpage, rpage.get_by_role("button", name="我同意调解"))
    assert "调解中" in rpage.locator("dl.facts").inner_text()

    page.reload()
    tomorrow = date.today() + timedelta(days=1)
    fill_form(page, {"session-starts_at": f"{tomorrow.isoformat()}T10:00", "session-duration_minutes": "90",
                     "session-location": "https://meeting.example.cn/ntip-mediation"}, {"session-mode": "online"})
    act(page, "session", "安排调解会议")
    page.locator("form.action-outcome select[name=outcome-outcome]").select_option("held")
    page.locator("[name=outcome-outcome_notes]").fill("双方到场，就停止销售和赔偿金额达成一致。")
    act(page, "outcome", "记录会议结果")
    mediator.shot("session held")
    act(page, "settle", "调解成功")
    assert "调解成功" in page.locator("dl.facts").inner_text()

    documents = page.locator("section#documents")
    documents.locator("select[name=doc-kind]").select_option("mediation_agreement")
    documents.locator("[name=doc-terms]").fill("\n".join(TERMS))
    go(page, documents.get_by_role("button", name="生成文书"))
    assert "调解协议书" in documents.locator("table.data").inner_text()
    mediator.shot("agreement generated")

    # the parties sign where they follow the case: the claimant in its portal, the respondent in the invitation
    open_in_portal(claimant, number, code)
    claimant.shot("portal with the agreement to sign")
    sign(claimant, number)
    claimant.shot("claimant signed")
    rpage.goto(f"/cases/respond/{number}")
    sign(respondent, number)
    assert "协议已生效" in rpage.locator(".flash-success").last.inner_text()
    respondent.shot("agreement in effect")

    page.reload()
    assert "已生效" in page.locator("section#documents").inner_text()
    act(page, "close", "结案")
    assert "已结案" in page.locator("dl.facts").inner_text()
    mediator.shot("case closed")

    cpage = claimant.page
    cpage.goto(f"/track/{number}")
    assert cpage.locator("#case-status").inner_text() == "已结案 (调解成功)"
    cpage.locator("[name=score]").fill("5")
    cpage.locator("[name=comment]").fill("调解员专业高效，两周内解决了纠纷。")
    go(cpage, cpage.get_by_role("button", name="提交评价"))
    assert "感谢" in cpage.locator(".flash-success").inner_text()
    claimant.shot("closure rated")
