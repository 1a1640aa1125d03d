"""Flask-Login wiring."""

from flask import Flask, jsonify, request
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for

        if request.blueprint == "api" or request.path.startswith("/api/"):
            return jsonify(error="unauthorized", message="log in or send an API token"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
