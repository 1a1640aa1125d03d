"""Court follow-through on the case page, and the upload page for court outcomes (liaison and admin)."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from ..extensions import db
from ..models import CourtProceeding, Dispute
from ..permissions import can, load_case, require_roles, tracked_ids
from .appeals import CONCLUSION_TYPES
from .court import CourtInvalid, proceeding_state, record_appeal, record_conclusion, record_court_filing
from .court_import import FORMATS, guess_format, import_court_outcomes
from .views import bp
from .workflow import StaleCase

# a liaison's outcome file is a few thousand lines; anything far larger is a mistake
MAX_IMPORT_BYTES = 5 * 1024 * 1024
CONCLUSION_LABELS = {
    "judgment": ("判决", "Judgment"), "ruling": ("裁定", "Ruling"),
    "mediation": ("法院调解", "Court mediation"), "withdrawal": ("撤诉", "Withdrawal"),
}
STATE_LABELS = {
    "accepted": ("已生效（服判息诉）", "Final (accepted)"), "appealed": ("已上诉", "Appealed"),
    "pending": ("上诉期内 / 未定", "Pending"),
}


def _english() -> bool:
    return str(get_locale() or "zh").startswith("en")


def court_panel(dispute: Dispute, user) -> dict:
    """What ``mediation/_court.html`` shows: each proceeding with its state, and whether forms are shown."""
    may_record = getattr(user, "is_authenticated", False) and can(user, "record_outcome", dispute)
    en = _english()
    return {
        "proceedings": [(p, proceeding_state(p)) for p in dispute.court_proceedings],
        "may_record": may_record,
        "conclusion_labels": {k: v[1] if en else v[0] for k, v in CONCLUSION_LABELS.items()},
        "state_labels": {k: v[1] if en else v[0] for k, v in STATE_LABELS.items()},
        "conclusion_types": CONCLUSION_TYPES,
    }


def _proceeding(dispute: Dispute, proceeding_id: int) -> CourtProceeding:
    proceeding = db.session.get(CourtProceeding, proceeding_id)
    if proceeding is None or proceeding.dispute_id != dispute.id:
        abort(404)
    return proceeding


def _record(tracking_no: str, write, done: str) -> Response:
    """Run one court-record service, commit, and come back to the case page with ``done`` or the refusal."""
    try:
        write()
        db.session.commit()
    except (CourtInvalid, StaleDataError) as exc:
        return _refused(exc, tracking_no)
    flash(done, "success")
    return _back(tracking_no)


@bp.post("/<tracking_no>/court")
@login_required
def record_court_filing_view(tracking_no: str) -> Response:
    dispute = load_case(current_user, tracking_no, "record_outcome", tracked_ids())
    form = request.form
    return _record(tracking_no, lambda: record_court_filing(
        dispute, form.get("court_case_no", ""), form.get("court_name"), form.get("filed_at"), current_user),
        _("The court filing was recorded."))


@bp.post("/<tracking_no>/court/<int:proceeding_id>/conclusion")
@login_required
def record_conclusion_view(tracking_no: str, proceeding_id: int) -> Response:
    dispute = load_case(current_user, tracking_no, "record_outcome", tracked_ids())
    proceeding = _proceeding(dispute, proceeding_id)
    form = request.form
    return _record(tracking_no, lambda: record_conclusion(
        proceeding, form.get("conclusion_type", ""), form.get("first_instance_concluded_at"),
        form.get("served_at"), form.get("party_abroad") == "1", current_user),
        _("The first-instance conclusion was recorded."))


@bp.post("/<tracking_no>/court/<int:proceeding_id>/appeal")
@login_required
def record_appeal_view(tracking_no: str, proceeding_id: int) -> Response:
    dispute = load_case(current_user, tracking_no, "record_outcome", tracked_ids())
    proceeding = _proceeding(dispute, proceeding_id)
    return _record(tracking_no, lambda: record_appeal(proceeding, request.form.get("appeal_filed_at"), current_user),
                   _("The appeal was recorded."))


@bp.route("/court-outcomes/import", methods=["GET", "POST"])
@require_roles("liaison", "admin")
def import_court_outcomes_view():
    if request.method == "GET":
        return render_template("mediation/court_import.html", report=None, formats=FORMATS)
    upload = request.files.get("file")
    fmt = request.form.get("format") or guess_format(upload.filename if upload else None)
    text, problem = _read_upload(upload, fmt)
    if problem is not None:
        flash(problem, "error")
        return render_template("mediation/court_import.html", report=None, formats=FORMATS), 400
    report = import_court_outcomes(io.StringIO(text, newline=""), fmt, actor=current_user)
    db.session.commit()
    return render_template("mediation/court_import.html", report=report, formats=FORMATS, english=_english())


def _read_upload(upload, fmt: str | None) -> tuple[str, str | None]:
    """The upload as text, or a message saying why it is refused (missing, too large, not UTF-8 text)."""
    if upload is None or not upload.filename:
        return "", _("Choose a file to upload.")
    if fmt not in FORMATS:
        return "", _("Choose the format: CSV or JSON Lines.")
    data = upload.stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return "", _("The file is larger than %(mb)s MiB; split it into smaller files.",
                     mb=MAX_IMPORT_BYTES // (1024 * 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", _("The file is not UTF-8 text. Save it as CSV UTF-8 or JSON Lines and try again.")
    if "\x00" in text:
        return "", _("The file is not UTF-8 text. Save it as CSV UTF-8 or JSON Lines and try again.")
    current_app.logger.info("court outcome import by user %s: %s bytes", current_user.id, len(data))
    return text, None


def _back(tracking_no: str) -> Response:
    return redirect(url_for("mediation.detail", tracking_no=tracking_no) + "#court")


def _refused(exc: Exception, tracking_no: str) -> Response:
    db.session.rollback()
    if isinstance(exc, CourtInvalid):
        flash(exc.message_en if _english() else exc.message_zh, "error")
    else:  # someone else changed the case between loading and writing it
        flash(StaleCase.message_en if _english() else StaleCase.message_zh, "error")
    flash(_("Nothing was saved."), "error")
    return _back(tracking_no)
