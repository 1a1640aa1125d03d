# The image that docker-compose.yml runs as web, worker and beat (services mode).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DISPUTE_HUB_ENV=production DISPUTE_HUB_INSTANCE_DIR=/data

# WeasyPrint's libraries (documents as PDF); the CJK font comes from PyPI
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dispute_hub ./dispute_hub
COPY search ./search
COPY templates ./templates
RUN pip install -e . \
    && python -c "from dispute_hub.i18n import compile_catalogues; compile_catalogues()" \
    && useradd --system --home /app dispute_hub \
    && mkdir -p /data && chown dispute_hub /data

USER dispute_hub
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "dispute_hub:create_app()"]
