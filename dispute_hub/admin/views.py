"""Platform admin pages: organisations, users and the security audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..auth.services import AccountError
from ..extensions import db
from ..models import AUDIT_KINDS, AuditEntry, District, Organization, User
from ..permissions import require_roles
from .forms import OrganizationForm, UserForm
from .services import save_organization, save_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require_roles("admin")
def _only_admins():
    return None


def _field_error(form, exc: AccountError) -> None:
    field = getattr(form, exc.field or "", None)
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


@bp.get("/")
def index():
    orgs = db.session.execute(select(Organization).order_by(Organization.id)).scalars().all()
    users = db.session.execute(select(User).order_by(User.role, User.email)).scalars().all()
    return render_template("admin/index.html", orgs=orgs, users=users)


@bp.route("/organizations/new", methods=["GET", "POST"], endpoint="new_organization")
@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
def organization(org_id: int | None = None):
    org = db.get_or_404(Organization, org_id) if org_id else None
    form = OrganizationForm(obj=org)
    form.district_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(d.code, d.name_zh) for d in db.session.execute(select(District).order_by(District.code)).scalars()
    ]
    if request.method == "GET" and org is not None:
        form.industries.data = ", ".join(org.industries or [])
    if form.validate_on_submit():
        try:
            save_organization(org, form.data)
        except AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/organization.html", form=form, org=org), (400 if form.errors else 200)


@bp.route("/users/new", methods=["GET", "POST"], endpoint="new_user")
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int | None = None):
    account = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=account)
    form.organization_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(o.id, o.name_zh)
        for o in db.session.execute(select(Organization).order_by(Organization.id)).scalars()
    ]
    if request.method == "GET" and account is not None:
        form.organization_id.data = account.organization_id or 0
        profile = account.mediator_profile
        if profile is not None:
            form.specialties.data, form.languages.data = profile.specialties, profile.languages
            form.capacity.data, form.on_leave.data = profile.capacity, profile.on_leave
            form.declared_interests.data = "\n".join(profile.declared_interests or [])
    if form.validate_on_submit():
        try:
            save_user(account, form.data, current_user)
        except AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user.html", form=form, account=account), (400 if form.errors else 200)


AUDIT_PAGE_SIZE = 100


@bp.get("/audit")
def audit_log():
    kind = request.args.get("kind") or None
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if kind in AUDIT_KINDS:
        query = query.where(AuditEntry.kind == kind)
    entries = db.paginate(query, page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", entries=entries, kind=kind, kinds=AUDIT_KINDS)
