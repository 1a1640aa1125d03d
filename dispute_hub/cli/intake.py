"""`flask --app dispute_hub import-cases FILE.jsonl`: bulk import of historical cases."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ..intake.importer import DEFAULT_BATCH_SIZE, ImportReport, run_import

_CHUNK = 1 << 20


def count_lines(path: str) -> int:
    """Lines in ``path``, counted in 1 MiB chunks (for the progress bar's total; nothing is kept)."""
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def summary(report: ImportReport) -> list[str]:
    """The closing lines for the operator, in English and Chinese."""
    verb = "would import / 将导入" if report.dry_run else "imported / 已导入"
    lines = [
        f"{verb}: {report.imported}",
        f"already imported / 此前已导入: {report.already_imported}"
        + (f" (of which repeated in this file / 其中文件内重复: {report.repeated_in_file})"
           if report.repeated_in_file else ""),
        f"bad lines, skipped / 错误行（已跳过）: {report.bad_lines}",
    ]
    if report.notes:
        lines.append(f"notes / 提示: {report.notes} (see above / 见上文)")
    if report.dry_run:
        lines.append("dry run: nothing was written / 试运行：未写入任何数据")
    if report.bad_lines:
        lines.append("Some lines were bad and were skipped (listed above): fix them and run the command again; "
                     "cases already imported are skipped. / 部分行有错误，未导入（见上文）：改正后重新运行本命令即可，"
                     "已导入的案件会自动跳过。")
    return lines


@click.command("import-cases")
@click.argument("source", metavar="FILE.jsonl", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 10_000),
              help="cases written per transaction")
@click.option("--dry-run", is_flag=True, help="check every line and report; write nothing")
@with_appcontext
def import_cases_command(source: str, batch_size: int, dry_run: bool) -> None:
    """Import historical cases from FILE.jsonl (one JSON object a line; - reads stdin).

    The format is described in docs/import-format.md. Cases whose external_id is already in the
    database are skipped, so the command is safe to run again. Exit status 1 when some lines were bad.
    """
    total = count_lines(source) if source != "-" else None
    with click.open_file(source, "rb") as stream:  # "-" is stdin, which is left open
        bar = tqdm(stream, total=total, unit=" lines", desc="import-cases", file=sys.stderr, dynamic_ncols=True)
        try:
            report = run_import(bar, batch_size=batch_size, dry_run=dry_run,
                                emit=lambda message: tqdm.write(message, file=sys.stderr))
        finally:
            bar.close()
    for line in summary(report):
        click.echo(line)
    if report.bad_lines:
        click.get_current_context().exit(1)
