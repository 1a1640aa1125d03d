"""`flask --app dispute_hub import-court-outcomes FILE`: bulk import of court outcomes (CSV or JSONL)."""

from __future__ import annotations

import io
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..mediation.court_import import FORMATS, CourtImportReport, describe, guess_format, import_court_outcomes


def summary(report: CourtImportReport) -> list[str]:
    """The closing lines for the operator, in English and Chinese."""
    lines = [
        f"new proceedings / 新增法院案件: {report.count('created')}",
        f"updated / 已更新: {report.count('updated')}",
        f"unchanged / 无变化: {report.count('unchanged')}",
        f"bad lines, skipped / 错误行（已跳过）: {report.bad_lines}",
    ]
    if report.bad_lines:
        lines.append("Fix the lines listed above and run the command again; lines already applied change nothing. "
                     "/ 请改正上文列出的行后重新运行本命令，已导入的行不会重复写入。")
    return lines


@click.command("import-court-outcomes")
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="csv (UTF-8, header row) or jsonl; by default from the file's extension")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000),
              help="lines committed together")
@with_appcontext
def import_court_outcomes_command(source: str, fmt: str | None, batch_size: int) -> None:
    """Import court filings, first-instance conclusions and appeals from FILE.

    The format is described in docs/court-outcomes-format.md. Importing the same file again changes
    nothing; each changed value is recorded on its case. Exit status 1 when some lines were bad.
    """
    fmt = fmt or guess_format(source)
    if fmt is None:
        raise click.UsageError("give --format csv or --format jsonl / 请用 --format 指明 csv 或 jsonl")
    try:
        # decoded whole before anything is written; utf-8-sig: spreadsheet programs write a byte-order mark
        text = Path(source).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"the file is not UTF-8 text / 文件不是 UTF-8 文本: {exc}") from None
    # newline="": line breaks inside quoted CSV values stay part of the value
    report = import_court_outcomes(io.StringIO(text, newline=""), fmt, batch_size=batch_size,
                                   on_batch=db.session.commit)
    for result in report.results:
        for message in describe(result):
            click.echo(message, err=True)
    for line in summary(report):
        click.echo(line)
    if report.bad_lines:
        click.get_current_context().exit(1)
