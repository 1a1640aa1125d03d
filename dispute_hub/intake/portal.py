"""The claimant portal: tracking number + access code (or login) opens the case; answer, add, withdraw, rate."""

from __future__ import annotations

import functools
import secrets

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..mediation.document_views import panel as documents_panel
from ..mediation.queries import case_events
from ..mediation.ratings import RATEABLE, may_rate, rate_case
from ..mediation.workflow import StaleCase, TransitionError, perform, record
from ..models import Dispute, Evidence
from ..permissions import load_case, tracked_ids
from .evidence import UploadLimits, attach_evidence, case_stored_bytes, open_evidence, store_upload
from .forms import AnswerForm, EvidenceForm, RatingForm, TrackForm, WithdrawForm
from .services import check_access_code
from .validators import ValidationError
from .views import _lang, bp

PORTAL_LABEL = "申请人（查询码） / Claimant (portal)"


@functools.cache
def _dummy_hash() -> str:
    """A real hash to check against when the number is unknown, so both failures take the same time."""
    return generate_password_hash(secrets.token_hex(16))


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def track():
    form = TrackForm()
    if form.validate_on_submit():
        number = form.tracking_no.data.strip().upper()
        dispute = db.session.execute(select(Dispute).where(Dispute.tracking_no == number)).scalar_one_or_none()
        if dispute is not None and check_access_code(dispute, form.access_code.data):
            session["tracked"] = sorted(set(tracked_ids()) | {dispute.id})
            return redirect(url_for("intake.track_case", tracking_no=dispute.tracking_no))
        if dispute is None:
            check_password_hash(_dummy_hash(), form.access_code.data)
        # one message whether the number exists or not
        form.access_code.errors = [*form.access_code.errors, _("The tracking number or access code is wrong.")]
    status = 400 if request.method == "POST" else 200
    return render_template("intake/track.html", form=form), status


def _claimant_case(tracking_no: str) -> Dispute:
    """The case if this visitor is its claimant: unlocked with the code, or a logged-in claimant party."""
    dispute = load_case(current_user, tracking_no, "view", tracked_ids())
    is_claimant_user = current_user.is_authenticated and current_user.role == "claimant"
    if dispute.id not in tracked_ids() and not is_claimant_user:
        abort(403)
    return dispute


def _actor():
    return current_user if current_user.is_authenticated else None


@bp.get("/track/<tracking_no>")
def track_case(tracking_no: str):
    dispute = _claimant_case(tracking_no)
    events = case_events(dispute)
    request_reason = next((e.data.get("reason") for e in reversed(events) if e.to_status == "more_info"), None)
    return render_template(
        "intake/case.html", case=dispute, events=events, request_reason=request_reason,
        answer_form=AnswerForm(), evidence_form=EvidenceForm(), withdraw_form=WithdrawForm(),
        rating_form=RatingForm(), can_rate=may_rate(dispute, "claimant"),
        can_withdraw=dispute.status not in RATEABLE | {"rejected"},
        # the case's documents, with the agreement to sign: the portal is where a claimant without a login signs
        **documents_panel(dispute, current_user, tracked_ids()),
    )


def _store_more(dispute: Dispute, uploads, note: str | None) -> list[str]:
    """Attach acceptable uploads; return the refusal messages."""
    limits, refused = UploadLimits.from_config(), []
    for upload in uploads or []:
        if not getattr(upload, "filename", ""):
            continue
        try:
            stored = store_upload(upload.stream, upload.filename, limits=limits,
                                  already_stored_bytes=case_stored_bytes(dispute))
        except ValidationError as exc:
            refused.append(exc.message(_lang()))
            continue
        attach_evidence(dispute, stored, uploaded_by=_actor(), description=note)
    return refused


def _finish(dispute: Dispute, refused: list[str], done_message: str):
    db.session.commit()
    for message in refused:
        flash(message, "error")
    flash(done_message, "success")
    return redirect(url_for("intake.track_case", tracking_no=dispute.tracking_no))


def _refuse(dispute: Dispute, exc: Exception):
    db.session.rollback()
    lang = _lang()
    flash(exc.message_en if lang == "en" else exc.message_zh, "error")
    return redirect(url_for("intake.track_case", tracking_no=dispute.tracking_no))


@bp.post("/track/<tracking_no>/answer")
def answer(tracking_no: str):
    dispute = _claimant_case(tracking_no)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Please write your answer."), "error")
        return redirect(url_for("intake.track_case", tracking_no=tracking_no))
    try:
        perform(dispute, "answer_info", role="claimant", actor=_actor(), actor_label=PORTAL_LABEL,
                data={"answer": form.answer.data.strip()})
    except (TransitionError, StaleCase) as exc:
        return _refuse(dispute, exc)
    refused = _store_more(dispute, form.evidence.data, _("Answer to a request for information"))
    return _finish(dispute, refused, _("Your answer was sent to the case handler."))


@bp.post("/track/<tracking_no>/evidence")
def add_evidence(tracking_no: str):
    dispute = _claimant_case(tracking_no)
    form = EvidenceForm()
    if not form.validate_on_submit() or dispute.status in RATEABLE | {"rejected"}:
        abort(400)
    before = len(dispute.evidence)
    refused = _store_more(dispute, form.evidence.data, form.note.data or None)
    added = len(dispute.evidence) - before
    if added:
        record(dispute, "evidence_added", actor=_actor(), actor_label=PORTAL_LABEL,
               data={"files": added, "note": form.note.data or None})
    return _finish(dispute, refused, _("%(n)s file(s) added.", n=added))


@bp.post("/track/<tracking_no>/withdraw")
def withdraw(tracking_no: str):
    dispute = _claimant_case(tracking_no)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that you withdraw."), "error")
        return redirect(url_for("intake.track_case", tracking_no=tracking_no))
    try:
        perform(dispute, "withdraw", role="claimant", actor=_actor(), actor_label=PORTAL_LABEL,
                reason=form.reason.data or None)
    except (TransitionError, StaleCase) as exc:
        return _refuse(dispute, exc)
    return _finish(dispute, [], _("The complaint was withdrawn."))


@bp.post("/track/<tracking_no>/rate")
def rate(tracking_no: str):
    dispute = _claimant_case(tracking_no)
    form = RatingForm()
    if not may_rate(dispute, "claimant") or not form.validate_on_submit():
        flash(_("The rating could not be saved: choose 1 to 5, once, after the case ends."), "error")
        return redirect(url_for("intake.track_case", tracking_no=tracking_no))
    rate_case(dispute, "claimant", form.score.data, form.comment.data, actor=_actor(), actor_label=PORTAL_LABEL)
    return _finish(dispute, [], _("Thank you for your rating."))


@bp.get("/evidence/<tracking_no>/<int:evidence_id>")
def download_evidence(tracking_no: str, evidence_id: int):
    """Any user the permission function allows (staff, parties, the portal) downloads evidence here."""
    dispute = load_case(current_user, tracking_no, "download_evidence", tracked_ids())
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.dispute_id != dispute.id:
        abort(404)
    try:
        path = open_evidence(item)
    except FileNotFoundError:
        abort(404)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.original_filename,
                     max_age=0)
