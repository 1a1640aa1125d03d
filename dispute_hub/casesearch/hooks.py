"""Kick the outbox drain after a commit that wrote outbox rows, as indexing must follow the commit."""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..models import SearchOutbox
from .backend import EXTENSION

log = logging.getLogger(__name__)
_WROTE_OUTBOX = "search_outbox_written"
_installed = False


def _before_flush(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, SearchOutbox) for obj in session.new):
        session.info[_WROTE_OUTBOX] = True


def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE_OUTBOX, None)


def _after_commit(session: Session) -> None:
    if session.info.pop(_WROTE_OUTBOX, None) and has_app_context():
        kick_drain()


def kick_drain() -> None:
    """Queue a drain (run here and now in the embedded mode). Never raises: a failing search must not
    fail the commit that came before; the rows wait for the next drain (beat runs one every minute)."""
    state = current_app.extensions.get(EXTENSION)
    if state is None:
        return
    from .tasks import drain, drain_outbox

    try:
        if not current_app.config["TASKS_INLINE"]:
            drain_outbox.delay()
        elif not state.paused():
            # Run here, in an app context of its own (so a session of its own), rather than through an
            # eager task: Celery marks eager runs in one process-wide flag, which concurrent request
            # threads would leave set, breaking result.get() for everyone after.
            with current_app._get_current_object().app_context():
                drain()
    except Exception:
        log.exception("search outbox drain could not run; the next one catches up")


def install() -> None:
    """Listen on every session once per process (the listeners look up the current app themselves)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed = True
