"""The OpenAPI 3.1 document of the API, from openapi.yaml with code lists filled in from the code."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from flask import jsonify

from ..intake.schema import INDUSTRIES
from ..labels import CHANNELS, CLOSURES, IP_TYPES, LABELS, STATUSES
from . import bp

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
# component schema -> (the constant that is its single source of truth, its key in LABELS if labelled)
ENUMS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "IpType": (IP_TYPES, "ip_type"),
    "Industry": (INDUSTRIES, None),
    "Channel": (CHANNELS, "channel"),
    "Status": (STATUSES, "status"),
    "Closure": (CLOSURES, "closure"),
}


@functools.cache
def _document() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    schemas = document["components"]["schemas"]
    for name, (values, labels) in ENUMS.items():
        schemas[name]["enum"] = list(values)
        if labels:
            names = LABELS[labels]
            listing = "\n".join(f"- `{v}`: {names[v][0]} / {names[v][1]}" for v in values if v in names)
            schemas[name]["description"] += "\n\n" + listing
    return document


@bp.get("/openapi.json")
def openapi_json():
    response = jsonify(_document())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
