"""Online filing: the form, its drafts of uploads, and the receipt with the access code."""

from __future__ import annotations

import secrets

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from ..extensions import db, limiter
from ..models import District
from ..routing.tasks import process_new_filing_task
from ..tasks import dispatch
from . import drafts
from .evidence import StoredFile, UploadLimits, store_upload
from .formdata import attach_errors, filing_body
from .forms import IntakeForm
from .schema import FilingInvalid, parse_filing
from .services import FilingReceipt, district_lookup, find_by_idempotency_key, submit_filing
from .validators import ValidationError

bp = Blueprint("intake", __name__)
ARBITRATION_NOTE = "仲裁协议 / Arbitration agreement"
# one count per address for the form and for a browser session's JSON filings (api/filings.py), so that
# posting JSON to the API is no way around the form's limit
FILING_LIMIT, FILING_SCOPE = "30 per hour", "filing"


def _lang() -> str:
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def _prepare(form: IntakeForm) -> None:
    districts = db.session.execute(db.select(District).order_by(District.code)).scalars()
    form.district.choices = [SelectChoice("", "—")] + [
        SelectChoice(d.name_zh, f"{d.name_zh} / {d.name_en}") for d in districts
    ]


def _store_uploads(form: IntakeForm, key: str, lang: str) -> tuple[list[tuple[StoredFile, str | None]], list[str]]:
    """Keep every acceptable new upload in the draft; return the draft and the refusals."""
    files = drafts.remove(key, {name for name in (form.remove_drafts.data or []) if name})
    limits = UploadLimits.from_config()
    refused = []
    uploads = [(f, ARBITRATION_NOTE) for f in form.arbitration_file.data or []]
    uploads += [(f, None) for f in form.evidence.data or []]
    for upload, note in uploads:
        if not getattr(upload, "filename", ""):
            continue
        try:
            stored = store_upload(
                upload.stream, upload.filename, limits=limits, already_stored_bytes=sum(f.size for f, _ in files)
            )
        except ValidationError as exc:
            refused.append(exc.message(lang))
        else:
            files.append((stored, note))
    drafts.save(key, files)
    return files, refused


def _render(form: IntakeForm, files, problems: list[str], status: int, preview: dict | None = None):
    return render_template("intake/new.html", form=form, drafts=files, problems=problems, preview=preview), status


def _preview(filing) -> dict:
    """Where the filing would go if sent now, with the reason; nothing is saved."""
    from ..models import Organization
    from ..routing.explain import chosen_reason
    from ..routing.services import active_rules, shanghai_today, triage_filing

    rules = active_rules()
    classification, decision = triage_filing(filing, today=shanghai_today(), rules=rules)
    reason_zh, reason_en = chosen_reason(decision, rules)
    org = (
        db.session.execute(
            db.select(Organization).where(Organization.code == decision.organization)
        ).scalar_one_or_none()
        if decision.organization
        else None
    )
    return {
        "decision": decision.to_dict(),
        "classification": classification.to_dict(),
        "organization": org,
        "reason_zh": reason_zh,
        "reason_en": reason_en,
    }


@bp.route("/file", methods=["GET", "POST"])
@limiter.shared_limit(FILING_LIMIT, scope=FILING_SCOPE, methods=["POST"])
def new():
    form = IntakeForm()
    _prepare(form)
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":  # CSRF or a malformed post: nothing to keep
            return _render(form, [], [], 400)
        key = session["intake_key"] = secrets.token_urlsafe(24)
        form.idempotency_key.data = key
        if current_user.is_authenticated and current_user.role == "claimant":
            form.claimant.form.name.data, form.claimant.form.email.data = current_user.name, current_user.email
        return _render(form, [], [], 200)
    key = form.idempotency_key.data or ""
    if key != session.get("intake_key"):
        key = form.idempotency_key.data = session["intake_key"] = secrets.token_urlsafe(24)
    lang = _lang()
    files, refused = _store_uploads(form, key, lang)
    if form.add_respondent.data:
        form.respondents.append_entry()
        return _render(form, files, refused, 200)
    try:
        filing = parse_filing(
            filing_body(form, lang), districts=district_lookup(), require_parties=not form.preview.data
        )
    except FilingInvalid as exc:
        return _render(form, files, refused + attach_errors(form, exc.errors, lang), 400)
    if form.preview.data:
        return _render(form, files, refused, 200, preview=_preview(filing))
    if refused:
        return _render(form, files, refused, 400)
    user = current_user if current_user.is_authenticated else None
    try:
        receipt = submit_filing(filing, user=user, idempotency_key=key, evidence=files, source="web")
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other request created the case
        db.session.rollback()
        receipt = FilingReceipt(find_by_idempotency_key(key), None, False)
    drafts.forget(key)
    # the key stays in the session: the same form sent again (back button, double click) finds this case
    return _after_filing(receipt)


def _after_filing(receipt: FilingReceipt):
    if receipt.created:
        dispatch(process_new_filing_task, receipt.dispute.id)
    tracked = set(session.get("tracked", ()))
    tracked.add(receipt.dispute.id)
    session["tracked"] = sorted(tracked)
    if receipt.access_code is None:
        return redirect(url_for("intake.track_case", tracking_no=receipt.dispute.tracking_no))
    session["receipt"] = {"tracking_no": receipt.dispute.tracking_no, "access_code": receipt.access_code}
    return redirect(url_for("intake.done"))


@bp.get("/file/done")
def done():
    receipt = session.pop("receipt", None)  # the access code is shown once
    if receipt is None:
        return redirect(url_for("intake.track"))
    return render_template("intake/done.html", receipt=receipt)


from . import portal  # noqa: E402,F401  the portal's routes live on this blueprint too
