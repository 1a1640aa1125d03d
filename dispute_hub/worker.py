"""Entry point for `celery -A dispute_hub.worker worker` and `... beat` in services mode."""

from . import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
