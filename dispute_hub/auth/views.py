"""Login, logout, self-registration and language choice."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..extensions import db, limiter
from ..i18n import LANGUAGES
from .forms import LoginForm, RegistrationForm
from .services import AccountError, authenticate, register_claimant

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes home (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;100 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            audit.record("login_failed", status=400, email=(form.email.data or "")[:254])
            form.password.errors.append(_("Email or password is wrong."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            audit.record("login_succeeded", status=302, user_id=user.id)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (200 if request.method == "GET" else 400)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = register_claimant(email=form.email.data, name=form.name.data,
                                     password=form.password.data, locale=session.get("lang"))
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(
                _("An account with this email already exists.") if exc.field == "email" else str(exc)
            )
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account is ready. You can now file a complaint."), "success")
            return redirect(url_for("web.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.args.get("next")))
