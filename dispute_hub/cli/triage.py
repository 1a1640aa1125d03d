"""Triage without filing: `flask --app dispute_hub triage IN.jsonl`, and the helpers the API shares with it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from ..intake.schema import FilingInvalid, parse_filing
from ..routing.explain import decision_reasons
from ..routing.ruleset import RuleSet
from ..routing.services import active_rules, shanghai_today, triage_filing

# the fields of one output line, in this order (issue 4, item 6)
LINE_FIELDS = ("id", "is_ip", "ip_type", "patent_kind", "cause_name", "signals", "confidence", "channel",
               "organization", "rule", "reasons")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in JSON")


def _read(raw: bytes) -> tuple[Mapping | None, str | None]:
    """(the line's JSON object, None) or (None, what is wrong with it)."""
    try:
        value = json.loads(raw.decode("utf-8-sig").rstrip("\r\n"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        return None, "the line is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(value, Mapping):
        return None, "the line is not a JSON object"
    return value, None


class LineProblem(ValueError):
    """What is wrong with one input line, as reported in its ``error`` field."""


def _id_problem(value: object) -> str | None:
    if value is None or value == "":
        return "id is required"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return "id must be a string or a number"
    return None


class LineTriage:
    """Triage of one input line at a time, with what every line shares (districts, rules, the date)."""

    def __init__(self, districts: Mapping[str, str], rules: RuleSet, today: date) -> None:
        self.districts, self.rules, self.today = districts, rules, today

    def __call__(self, raw: bytes, number: int) -> dict | None:
        """The output object for line ``number``; None for a blank line."""
        if not raw.strip():
            return None
        body, problem = _read(raw)
        if body is None:
            return {"id": None, "line": number, "error": problem}
        line_id = body.get("id")
        shown_id = line_id if _id_problem(line_id) is None else None
        try:
            return self._triage(body, line_id)
        except LineProblem as exc:
            return {"id": shown_id, "line": number, "error": str(exc)}
        except Exception as exc:
            # a fault on one line must not cost the caller the rest of a bulk run; the traceback goes to stderr
            current_app.logger.exception("triage failed on line %d", number)
            return {"id": shown_id, "line": number, "error": f"internal error: {type(exc).__name__}: {exc}"}

    def _triage(self, body: Mapping, line_id: object) -> dict:
        problems = [p for p in (_id_problem(line_id),) if p]
        try:
            filing = parse_filing(body, districts=self.districts, require_parties=False, today=self.today)
        except FilingInvalid as exc:
            problems += [f"{e.field or 'body'}: {e.message_en}" for e in exc.errors]
        if problems:
            raise LineProblem("; ".join(problems))
        classification, decision = triage_filing(filing, today=self.today, rules=self.rules)
        return {
            "id": line_id, "is_ip": classification.is_ip, "ip_type": classification.ip_type,
            "patent_kind": classification.patent_kind, "cause_name": classification.cause_name,
            "signals": list(classification.signals), "confidence": classification.confidence,
            "channel": decision.channel, "organization": decision.organization, "rule": decision.rule_id,
            "reasons": decision_reasons(decision, self.rules),
        }


def run_lines(lines: Iterable[bytes], step: LineTriage) -> tuple[int, int]:
    """Write one JSON line to stdout per non-blank input line; returns (triaged, errors)."""
    triaged = errors = 0
    for number, raw in enumerate(lines, start=1):
        out = step(raw, number)
        if out is None:
            continue
        errors += "error" in out
        triaged += "error" not in out
        click.echo(json.dumps(out, ensure_ascii=False))
    return triaged, errors


@click.command("triage")
@click.argument("source", metavar="IN.jsonl", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="date the filings count as made on (time bar, dates in the future); default: today in China")
@with_appcontext
def triage_command(source: str, today: datetime | None) -> None:
    """Classify and route the filings of IN.jsonl without filing them (- reads stdin); nothing is written.

    Each input line is a JSON object: "id", "description" and any optional filing fields of
    POST /api/v1/filings ("ip_right", "industry", "preferred_channel", "existing_proceedings", ...).
    Each non-blank line gives one JSON line on stdout, in input order:

    \b
      {"id", "is_ip", "ip_type", "patent_kind", "cause_name", "signals", "confidence",
       "channel", "organization", "rule", "reasons": {"zh": [...], "en": [...]}}

    "organization" is the organisation code, null when the filing would go to manual screening or is not
    accepted ("rule" then says which). "reasons" holds two parallel lists: first why the chosen rule
    applies (its description and the conditions that held), then what became of a stated preferred
    channel, then each warning (time bar, low confidence, foreign party...).

    A line that is not a JSON object, lacks "id" or "description", or has an invalid field gives
    {"id": <id or null>, "line": <line number>, "error": "..."} instead. Blank lines are skipped.
    Progress and counts go to stderr; the exit status is 0 once every line has been read.
    """
    from ..intake.services import district_lookup
    from .intake import count_lines

    day = today.date() if today else shanghai_today()
    step = LineTriage(district_lookup(), active_rules(), day)
    total = count_lines(source) if source != "-" else None
    with click.open_file(source, "rb") as stream:  # "-" is stdin, which is left open
        bar = tqdm(stream, total=total, unit=" lines", desc="triage", file=sys.stderr, dynamic_ncols=True)
        try:
            triaged, errors = run_lines(bar, step)
        finally:
            bar.close()
    click.echo(f"triage: {triaged} triaged, {errors} with errors / 已分流 {triaged} 行，出错 {errors} 行", err=True)

