"""`flask --app dispute_hub retrain-classifier`: learn from mediators' corrections into new weights."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..routing.corrections import ACCURACY_FIELDS, RetrainSummary, retrain_classifier, weights_folder
from ..routing.evaluate import DEFAULT_CASES


def summary_lines(summary: RetrainSummary) -> list[str]:
    """What the operator reads, in English and Chinese."""
    if summary.version is None:
        return ["no new corrections: nothing learnt, no weights written / 没有新的更正：未学习，未写入新权重",
                f"weights in use / 当前权重: {summary.base_version}"]
    lines = [
        f"corrections learnt / 已学习的更正: {summary.corrections} (cases / 案件: {summary.cases})",
        f"new weights / 新权重: {summary.version} (from / 基于 {summary.base_version}) -> {summary.path}",
    ]
    before, after = summary.accuracy_before, summary.accuracy_after
    if before is None or after is None:
        lines.append("labelled cases not readable: accuracy not measured / 无法读取标注案例：未测准确率")
    else:
        lines.append("accuracy on labelled cases / 标注案例准确率 (before -> after / 之前 -> 之后):")
        lines.extend(f"  {name:12} {before[name]:6.1%} -> {after[name]:6.1%}" for name in ACCURACY_FIELDS)
    return lines


@click.command("retrain-classifier")
@click.option("--cases", "cases_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="labelled cases (JSON lines) to measure accuracy on; default: the repository's test set if present")
@with_appcontext
def retrain_classifier_command(cases_path: str | None) -> None:
    """Re-weight the classifier from the corrections not learnt yet; writes <instance>/classifier/weights-V.json."""
    try:
        summary = retrain_classifier(weights_folder(current_app.instance_path),
                                     cases_path=cases_path or DEFAULT_CASES)
    except FileExistsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if summary.path is not None:
            # the corrections stay unlearnt, so the file must not become the active weights
            summary.path.unlink(missing_ok=True)
        raise
    for line in summary_lines(summary):
        click.echo(line)
