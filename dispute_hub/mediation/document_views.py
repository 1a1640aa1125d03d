"""Case documents on the case page: generate (staff), download, sign online (parties), judicial confirmation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug import Response
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..models import DOCUMENT_KINDS, CaseDocument, Dispute, JudicialConfirmation, Party
from ..permissions import can, load_case, tracked_ids
from .documents import (
    SIGNING_ROLES,
    TITLES,
    DocumentError,
    addressed_to_respondent,
    document_path,
    generate_document,
    record_confirmation,
    sign_document,
)
from .respondent import SESSION_KEY as RESPONDENT_SESSION_KEY
from .views import bp


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), choices=[SelectChoice(k, TITLES[k]) for k in DOCUMENT_KINDS])
    terms = TextAreaField(_l("Agreed terms (one per line)"), validators=[Length(max=10000)], render_kw={"rows": 6})
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})
    recipient = StringField(_l("Referred to"), validators=[Length(max=200)])


class SignForm(FlaskForm):
    agree = BooleanField(_l("I have read this agreement and sign it"), validators=[DataRequired()])


class ConfirmationForm(FlaskForm):
    applied_on = DateField(_l("Applied to the court on"), validators=[Optional()])
    court_name = StringField(_l("Court"), validators=[Length(max=128)])
    decision = SelectField(_l("Decision"), choices=[SelectChoice("", "—"), SelectChoice("confirmed", _l("confirmed")),
                                                    SelectChoice("refused", _l("refused"))])
    decided_on = DateField(_l("Decided on"), validators=[Optional()])


def _message(exc: DocumentError) -> str:
    return exc.message_en if str(get_locale() or "zh").startswith("en") else exc.message_zh


def speaks_for(dispute: Dispute, user, tracked: tuple[int, ...]) -> list[Party]:
    """The claimant and respondent parties this visitor may sign for: those linked to their login, the
    claimants of a claimant's own case, or the claimants when the portal's access code unlocked the case."""
    parties = [p for p in dispute.parties if p.role in SIGNING_ROLES]
    if getattr(user, "is_authenticated", False):
        own = [p for p in parties if p.user_id == user.id]
        if own or user.role != "claimant" or dispute.claimant_user_id != user.id:
            return own
    elif dispute.id not in tracked:
        return []
    return [p for p in parties if p.role == "claimant" and p.user_id is None]


def as_respondent(user) -> bool:
    """A visitor logged in as a respondent sees only what is addressed to the respondent."""
    return getattr(user, "is_authenticated", False) and user.role == "respondent"


def _signing_party(document: CaseDocument, parties: list[Party]) -> Party | None:
    signed = {s.party_id for s in document.signatures}
    return next((p for p in parties if p.id not in signed), parties[0] if parties else None)


def panel(dispute: Dispute, user, tracked: tuple[int, ...]) -> dict:
    """Template values of ``mediation/_documents.html`` for the case page."""
    documents = db.session.scalars(select(CaseDocument).where(CaseDocument.dispute_id == dispute.id)
                                   .order_by(CaseDocument.id.desc())).all()
    confirmations = {c.document_id: c for c in db.session.scalars(
        select(JudicialConfirmation).where(JudicialConfirmation.dispute_id == dispute.id))}
    works = getattr(user, "is_authenticated", False) and can(user, "work", dispute)
    if as_respondent(user):
        documents = [d for d in documents if addressed_to_respondent(d)]
    mine = {p.id for p in speaks_for(dispute, user, tracked)}
    signable = {d.id for d in documents if d.kind == "mediation_agreement" and d.status == "issued"
                and mine - {s.party_id for s in d.signatures}}
    return {"documents": documents, "confirmations": confirmations, "signable_ids": signable,
            "document_form": DocumentForm(prefix="doc") if works else None,
            "confirmation_form": ConfirmationForm(prefix="jc") if works else None}


def _visible_case(tracking_no: str) -> tuple[Dispute, list[Party], bool]:
    """The case, the parties this visitor signs for, and whether it comes as the respondent: a respondent
    unlocked in the respondent portal, else whoever ``load_case`` lets view the case (404/403 otherwise)."""
    ids = tuple(session.get(RESPONDENT_SESSION_KEY, ()))
    responding = db.session.scalars(select(Party).join(Dispute).where(
        Party.id.in_(ids), Party.role == "respondent", Dispute.tracking_no == tracking_no)).all() if ids else []
    if responding:
        return responding[0].dispute, list(responding), True
    tracked = tracked_ids()
    dispute = load_case(current_user, tracking_no, "view", tracked)
    return dispute, speaks_for(dispute, current_user, tracked), as_respondent(current_user)


def _case_document(dispute: Dispute, document_id: int, respondent: bool) -> CaseDocument:
    """The case's document; 404 as for an unknown one when a respondent asks for one not addressed to it."""
    document = db.session.get(CaseDocument, document_id)
    if (document is None or document.dispute_id != dispute.id
            or (respondent and not addressed_to_respondent(document))):
        abort(404)
    return document


def _back(dispute: Dispute) -> Response:
    return redirect(url_for("mediation.detail", tracking_no=dispute.tracking_no) + "#documents")


@bp.post("/<tracking_no>/documents")
@login_required
def generate(tracking_no: str) -> Response:
    dispute = load_case(current_user, tracking_no, "work", tracked_ids())
    form = DocumentForm(prefix="doc")
    if not form.validate():
        flash(_("The document request is incomplete."), "error")
        return _back(dispute)
    try:
        document = generate_document(dispute, form.kind.data, actor=current_user, data={
            "terms": form.terms.data, "reason": form.reason.data, "recipient": form.recipient.data})
        db.session.commit()
    except DocumentError as exc:
        db.session.rollback()
        flash(_message(exc), "error")
        return _back(dispute)
    flash(_("Document generated: %(title)s", title=document.title), "success")
    return _back(dispute)


@bp.get("/<tracking_no>/documents/<int:document_id>.pdf")
def download_document(tracking_no: str, document_id: int):
    dispute, _parties, respondent = _visible_case(tracking_no)
    document = _case_document(dispute, document_id, respondent)
    try:
        path = document_path(document)
    except FileNotFoundError:
        abort(410)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{dispute.tracking_no}-{document.title}.pdf")


@bp.route("/<tracking_no>/documents/<int:document_id>/sign", methods=["GET", "POST"])
def sign(tracking_no: str, document_id: int):
    dispute, parties, respondent = _visible_case(tracking_no)
    document = _case_document(dispute, document_id, respondent)
    party = _signing_party(document, parties)
    if party is None:
        abort(403)
    form = SignForm()
    if request.method == "POST" and form.validate():
        try:
            sign_document(document, party, ip=request.remote_addr, user_agent=request.user_agent.string,
                          user=current_user if current_user.is_authenticated else None)
            db.session.commit()
        except DocumentError as exc:
            db.session.rollback()
            flash(_message(exc), "error")
            return redirect(url_for("mediation.sign", tracking_no=tracking_no, document_id=document_id))
        flash(_("You have signed the agreement."), "success")
        return redirect(url_for("mediation.sign", tracking_no=tracking_no, document_id=document_id))
    status = 400 if request.method == "POST" else 200
    return render_template("documents/sign.html", case=dispute, document=document, party=party, form=form,
                           body=_body(document.html)), status


def _body(html: str) -> str:
    """The document's body, shown on the signing page (its own stylesheet is for the PDF only)."""
    start, end = html.find("<body>"), html.rfind("</body>")
    return html[start + len("<body>"):end] if start >= 0 and end > start else ""


@bp.post("/<tracking_no>/confirmations/<int:confirmation_id>")
@login_required
def record_judicial_confirmation(tracking_no: str, confirmation_id: int) -> Response:
    dispute = load_case(current_user, tracking_no, "work", tracked_ids())
    confirmation = db.session.get(JudicialConfirmation, confirmation_id)
    if confirmation is None or confirmation.dispute_id != dispute.id:
        abort(404)
    form = ConfirmationForm(prefix="jc")
    if not form.validate():
        flash(_("Please give valid dates."), "error")
        return _back(dispute)
    try:
        record_confirmation(confirmation, actor=current_user, applied_on=form.applied_on.data,
                            court_name=form.court_name.data, decision=form.decision.data or None,
                            decided_on=form.decided_on.data)
        db.session.commit()
    except DocumentError as exc:
        db.session.rollback()
        flash(_message(exc), "error")
        return _back(dispute)
    flash(_("Judicial confirmation recorded."), "success")
    return _back(dispute)
