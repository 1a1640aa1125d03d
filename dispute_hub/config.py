"""Settings read from DISPUTE_HUB_* environment variables, with embedded defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names the variable to set."""


# name of the setting -> (environment variable, default); None as default means "derived below"
SETTINGS: dict[str, tuple[str, object]] = {
    "ENV": ("DISPUTE_HUB_ENV", "production"),
    "INSTANCE_DIR": ("DISPUTE_HUB_INSTANCE_DIR", None),
    "SECRET_KEY": ("DISPUTE_HUB_SECRET_KEY", None),
    "SQLALCHEMY_DATABASE_URI": ("DISPUTE_HUB_DATABASE_URL", None),
    "BROKER_URL": ("DISPUTE_HUB_BROKER_URL", None),
    "RESULT_BACKEND": ("DISPUTE_HUB_RESULT_BACKEND", None),
    "ELASTICSEARCH_URL": ("DISPUTE_HUB_ELASTICSEARCH_URL", None),
    "SEARCH_INDEX_PREFIX": ("DISPUTE_HUB_SEARCH_INDEX_PREFIX", "dispute_hub"),
    "UPLOAD_MAX_FILE_MB": ("DISPUTE_HUB_UPLOAD_MAX_FILE_MB", 50),
    "UPLOAD_MAX_CASE_MB": ("DISPUTE_HUB_UPLOAD_MAX_CASE_MB", 200),
    "DEFAULT_LOCALE": ("DISPUTE_HUB_DEFAULT_LOCALE", "zh"),
    "SESSION_COOKIE_SECURE": ("DISPUTE_HUB_SECURE_COOKIES", False),
    "DEMO_PASSWORD": ("DISPUTE_HUB_DEMO_PASSWORD", "demo-2026"),
    "RATELIMIT_STORAGE_URI": ("DISPUTE_HUB_RATELIMIT_STORAGE_URL", "memory://"),
    "SMTP_HOST": ("DISPUTE_HUB_SMTP_HOST", ""),
    "SMTP_PORT": ("DISPUTE_HUB_SMTP_PORT", 587),
    "SMTP_USER": ("DISPUTE_HUB_SMTP_USER", ""),
    "SMTP_PASSWORD": ("DISPUTE_HUB_SMTP_PASSWORD", None),
    "SMTP_FROM": ("DISPUTE_HUB_SMTP_FROM", "dispute-hub@localhost"),
    "SMTP_STARTTLS": ("DISPUTE_HUB_SMTP_STARTTLS", True),
    "SMS_GATEWAY": ("DISPUTE_HUB_SMS_GATEWAY", "dispute_hub.mediation.senders:LoggingSmsGateway"),
    "DEADLINE_WARN_DAYS": ("DISPUTE_HUB_DEADLINE_WARN_DAYS", 3),
    "BROKER_VISIBILITY_TIMEOUT": ("DISPUTE_HUB_BROKER_VISIBILITY_TIMEOUT", 3600),
}

# Documented in the README table; kept here so the table and the code cannot drift.
DESCRIPTIONS = {
    "ENV": "production, development or testing; only production requires a secret key from the environment",
    "INSTANCE_DIR": "folder for all embedded state: SQLite file, search index, uploads (default ./instance)",
    "SECRET_KEY": "session signing key; required in production",
    "SQLALCHEMY_DATABASE_URI": "database URL (default: SQLite file in the instance folder)",
    "BROKER_URL": "Celery broker URL, e.g. redis://127.0.0.1:6379/0 (default: tasks run inline)",
    "RESULT_BACKEND": "Celery result backend URL (default: the broker URL when one is set)",
    "ELASTICSEARCH_URL": "Elasticsearch URL (default: the embedded search index)",
    "SEARCH_INDEX_PREFIX": "prefix of the Elasticsearch index names",
    "UPLOAD_MAX_FILE_MB": "largest evidence file accepted, in MiB",
    "UPLOAD_MAX_CASE_MB": "largest total of evidence per case, in MiB",
    "DEFAULT_LOCALE": "interface language when the browser asks for none we have: zh or en",
    "SESSION_COOKIE_SECURE": "1 when served over HTTPS: cookies are then sent over HTTPS only",
    "DEMO_PASSWORD": "password of the demo accounts that seed-demo creates",
    "RATELIMIT_STORAGE_URI": "where rate-limit counters live: memory:// (one process) or redis://… (several workers)",
    "SMTP_HOST": "SMTP server for notification emails (empty: emails are written to the log, not sent)",
    "SMTP_PORT": "SMTP server port",
    "SMTP_USER": "SMTP login user (empty: no login)",
    "SMTP_PASSWORD": "SMTP login password; a secret, from the environment only",
    "SMTP_FROM": "From address of notification emails",
    "SMTP_STARTTLS": "1 to switch the SMTP connection to TLS with STARTTLS before logging in, 0 not to",
    "SMS_GATEWAY": "SMS gateway class as package.module:Class, built with the app config (default: log only)",
    "DEADLINE_WARN_DAYS": "days before a case's deadline that its mediator is warned",
    "BROKER_VISIBILITY_TIMEOUT": "seconds after which Redis hands a task whose worker died mid-run to another worker",
}

_TRUE = {"1", "true", "yes", "on"}


def _coerce(value: str, default: object) -> object:
    if isinstance(default, bool):
        return value.strip().lower() in _TRUE
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(f"expected a whole number, got {value!r}") from exc
    return value


def load_settings(environ: Mapping[str, str], default_instance_dir: str,
                  override: Mapping[str, object] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from an environment and an optional override.

    :param environ: usually ``os.environ``
    :param default_instance_dir: the instance folder used when DISPUTE_HUB_INSTANCE_DIR is unset
    :param override: values that win over the environment (tests, embedding)
    :return: config keys for ``app.config``
    :raises ConfigError: naming the variable that is missing or wrong
    """
    cfg = _read(environ, dict(override or {}))
    if cfg["ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"DISPUTE_HUB_ENV must be one of {', '.join(ENVIRONMENTS)}, got {cfg['ENV']!r}")
    testing = cfg["ENV"] == "testing" or bool(cfg.get("TESTING"))
    cfg["TESTING"] = testing
    instance = Path(str(cfg["INSTANCE_DIR"] or default_instance_dir)).resolve()
    cfg["INSTANCE_DIR"] = str(instance)
    if not cfg["SQLALCHEMY_DATABASE_URI"]:
        cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'dispute_hub.sqlite3'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(str(cfg["SQLALCHEMY_DATABASE_URI"]))
    cfg["UPLOAD_DIR"] = str(instance / "uploads")
    cfg["SEARCH_DIR"] = str(instance / "search")
    if cfg["BROKER_URL"] and not cfg["RESULT_BACKEND"]:
        cfg["RESULT_BACKEND"] = cfg["BROKER_URL"]
    cfg["TASKS_INLINE"] = not cfg["BROKER_URL"]
    if cfg["DEFAULT_LOCALE"] not in ("zh", "en"):
        raise ConfigError("DISPUTE_HUB_DEFAULT_LOCALE must be zh or en")
    if not cfg["SECRET_KEY"]:
        if cfg["ENV"] == "production" and not testing:
            raise ConfigError(
                "DISPUTE_HUB_SECRET_KEY is not set. Set it to a long random value in production "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
                "or set DISPUTE_HUB_ENV=development to run with a key kept in the instance folder."
            )
        cfg["SECRET_KEY"] = _development_secret(instance) if not testing else secrets.token_hex(32)
    return cfg


def _read(environ: Mapping[str, str], override: dict[str, object]) -> dict[str, object]:
    """Each setting from the override, else its environment variable, else its default."""
    cfg: dict[str, object] = {}
    for key, (var, default) in SETTINGS.items():
        if key in override:
            cfg[key] = override.pop(key)
        elif environ.get(var, "") != "":
            try:
                cfg[key] = _coerce(environ[var], default)
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc}") from None
        else:
            cfg[key] = default
    cfg.update(override)  # extra Flask settings (tests: WTF_CSRF_ENABLED, SERVER_NAME...)
    return cfg


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()
