"""The respondent portal: tracking number + invitation code opens the case addressed to them; consent or decline."""

from __future__ import annotations

import functools
import secrets

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..intake.forms import RatingForm
from ..models import CaseDocument, Dispute, Party
from .case_actions import RESPONDENT_LABEL, case_sessions, record_response
from .case_forms import RespondentAnswerForm, RespondLoginForm
from .documents import addressed_to_respondent
from .ratings import may_rate, rate_case
from .views import bp
from .workflow import StaleCase, TransitionError

SESSION_KEY = "responding"  # ids of the respondent parties unlocked in this browser session


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def find_invited_party(tracking_no: str, code: str) -> Party | None:
    """The invited respondent whose code this is; None alike for an unknown number and a wrong code."""
    typed = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    normalised = f"{typed[:4]}-{typed[4:]}"  # the format of intake's new_access_code
    dispute = db.session.execute(
        select(Dispute).where(Dispute.tracking_no == tracking_no.strip().upper())).scalar_one_or_none()
    invited = [p for p in dispute.parties_in("respondent") if p.invite_code_hash] if dispute else []
    if not invited:
        check_password_hash(_dummy_hash(), normalised)  # the same work, so timing does not tell
    return next((p for p in invited if check_password_hash(p.invite_code_hash or "", normalised)), None)


@bp.route("/respond", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def respond():
    form = RespondLoginForm()
    if form.validate_on_submit():
        party = find_invited_party(form.tracking_no.data, form.invite_code.data)
        if party is not None:
            session[SESSION_KEY] = sorted(set(session.get(SESSION_KEY, ())) | {party.id})
            return redirect(url_for("mediation.respond_case", tracking_no=party.dispute.tracking_no))
        # one message whether the number exists or not
        form.invite_code.errors = [*form.invite_code.errors, _("The tracking number or invitation code is wrong.")]
    status = 400 if request.method == "POST" else 200
    return render_template("mediation/respond.html", form=form), status


def _unlocked_party(tracking_no: str) -> Party:
    """The respondent this browser unlocked for ``tracking_no``; 404 otherwise, as for an unknown case."""
    ids = tuple(session.get(SESSION_KEY, ()))
    party = db.session.execute(
        select(Party).join(Dispute).where(Party.id.in_(ids), Party.role == "respondent",
                                          Dispute.tracking_no == tracking_no)
    ).scalars().first() if ids else None
    if party is None:
        abort(404)
    return party


@bp.get("/respond/<tracking_no>")
def respond_case(tracking_no: str):
    party = _unlocked_party(tracking_no)
    dispute = party.dispute
    documents = [d for d in db.session.execute(
        select(CaseDocument).where(CaseDocument.dispute_id == dispute.id, CaseDocument.status != "draft")
        .order_by(CaseDocument.created_at)).scalars() if addressed_to_respondent(d)]
    form = RespondentAnswerForm(formdata=None, data={"version": dispute.version})
    return render_template("mediation/respond_case.html", case=dispute, party=party, form=form,
                           documents=documents, sessions=case_sessions(dispute),
                           claimants=[p.name for p in dispute.parties_in("claimant")],
                           rating_form=RatingForm(), can_rate=may_rate(dispute, "respondent"))


def _save(tracking_no: str, write, done: str, invalid: str) -> Response:
    """Run one service for the unlocked respondent, commit, and come back to its page with ``done`` or the
    refusal in the visitor's language (``invalid`` when the form itself did not validate)."""
    back = redirect(url_for("mediation.respond_case", tracking_no=tracking_no))
    try:
        write()
        db.session.commit()
    except (TransitionError, StaleCase, StaleDataError) as exc:
        db.session.rollback()
        refusal = StaleCase() if isinstance(exc, StaleDataError) else exc
        english = str(get_locale() or "zh").startswith("en")
        flash(getattr(refusal, "message_en" if english else "message_zh", invalid), "error")
        return back
    flash(done, "success")
    return back


@bp.post("/respond/<tracking_no>")
def respond_answer(tracking_no: str) -> Response:
    party = _unlocked_party(tracking_no)
    form = RespondentAnswerForm()
    if not form.validate():
        flash(_("Nothing was saved."), "error")
        return redirect(url_for("mediation.respond_case", tracking_no=tracking_no))
    done = (_("Thank you: you consented to mediation. The mediator will contact you.")
            if form.response.data == "consented" else _("Your refusal was recorded; mediation will not take place."))
    return _save(tracking_no, lambda: record_response(
        party.dispute, party.id, form.response.data, role="respondent", actor_label=RESPONDENT_LABEL,
        expected_version=form.version.data), done, _("Nothing was saved."))


@bp.post("/respond/<tracking_no>/rate")
def respond_rate(tracking_no: str) -> Response:
    """The respondent's own rating of the handling, once the case has ended."""
    party = _unlocked_party(tracking_no)
    form = RatingForm()
    refused = _("The rating could not be saved: choose 1 to 5, once, after the case ends.")
    if not form.validate():
        flash(refused, "error")
        return redirect(url_for("mediation.respond_case", tracking_no=tracking_no))
    return _save(tracking_no, lambda: rate_case(party.dispute, "respondent", form.score.data, form.comment.data,
                                                actor_label=RESPONDENT_LABEL), _("Thank you for your rating."), refused)
