"""Interface language: Simplified Chinese first, English for foreign rights holders."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel
from flask_login import current_user

LANGUAGES = {"zh": "中文", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
log = logging.getLogger(__name__)


def select_locale() -> str:
    """Session choice, then the user's saved choice, then the browser's, then the default."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    from flask import current_app

    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config["DEFAULT_LOCALE"]


def compile_catalogues(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each messages.po whose .mo is missing or older; returns the files written.

    Compiled catalogues are build output (not in git); doing it here keeps every entry point
    (the dev server, gunicorn, the CLI, tests) working without a separate build step.
    """
    written = []
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        try:
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
        except OSError as exc:  # read-only install: the image's build step compiled them
            log.warning("cannot write %s: %s", mo_path, exc)
            continue
        written.append(mo_path)
    return written


def init_app(app: Flask, babel: Babel) -> None:
    compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")  # msgids are English
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    babel.init_app(app, locale_selector=select_locale)
