"""docker-compose.yml cannot run here (no Docker engine); this reads it and checks its wiring."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dispute_hub.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_all_services_are_there(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis", "elasticsearch"}


def test_app_services_get_the_services_urls_and_a_required_secret(compose):
    known = {var for var, _ in SETTINGS.values()}
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        env = service["environment"]
        assert set(env) <= known, f"{name} passes settings the app does not read: {set(env) - known}"
        assert env["DISPUTE_HUB_ENV"] == "production"
        assert (
            env["DISPUTE_HUB_DATABASE_URL"].startswith("postgresql+psycopg://")
            and "@postgres:5432/" in env["DISPUTE_HUB_DATABASE_URL"]
        )
        assert env["DISPUTE_HUB_BROKER_URL"].startswith("redis://redis:6379")
        assert env["DISPUTE_HUB_ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
        assert ":?" in env["DISPUTE_HUB_SECRET_KEY"], "the secret must be required, never defaulted"
        assert service["build"] == "." and "instance:/data" in service["volumes"]


def test_app_waits_for_healthy_dependencies(compose):
    services = compose["services"]
    for dep in ("postgres", "redis", "elasticsearch"):
        assert services["web"]["depends_on"][dep]["condition"] == "service_healthy"
        assert "healthcheck" in services[dep]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "healthcheck" in services["web"] and "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_commands_start_the_right_processes(compose):
    services = compose["services"]
    assert "init-db" in services["web"]["command"] and "gunicorn" in services["web"]["command"]
    assert "dispute_hub:create_app()" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "dispute_hub.worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "dispute_hub.worker", "beat"]


def test_elasticsearch_is_a_single_node_with_persistent_data(compose):
    es = compose["services"]["elasticsearch"]
    assert es["environment"]["discovery.type"] == "single-node"
    assert es["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    assert any(v.startswith("esdata:") for v in es["volumes"])
    assert set(compose["volumes"]) >= {"pgdata", "esdata", "instance"}


def test_dockerfile_builds_what_compose_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("dispute_hub", "search", "templates"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    assert "pip install" in dockerfile and "compile_catalogues" in dockerfile
    assert "USER " in dockerfile  # not root at run time
