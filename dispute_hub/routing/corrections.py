"""Mediators' corrections of a classification, and retraining the classifier from them (never commits)."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..mediation.workflow import StaleCase, record
from ..models import ClassificationCorrection, Dispute, User, enqueue_index, utcnow
from .evaluate import evaluate, load_cases
from .taxonomy import DEFAULT_VERSION, CauseNode, Taxonomy, load_taxonomy
from .training import reweight
from .vocab import IP_TYPES, PATENT_KINDS, en, zh
from .weights import Weights, dump_weights, load_weights

WEIGHTS_FOLDER = "classifier"  # under the instance folder
FIELDS = ("is_ip", "ip_type", "patent_kind", "cause_code", "cause_name")
ACCURACY_FIELDS = ("is_ip", "ip_type", "patent_kind", "cause_name", "all")
_WEIGHTS_FILE = re.compile(r"^weights-(\d+)\.(\d+)\.json$")
log = logging.getLogger(__name__)


class CorrectionError(ValueError):
    """A correction refused: the form field, a stable code and a message in each language."""

    def __init__(self, field: str, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {code}: {message_en}")
        self.field, self.code, self.message_zh, self.message_en = field, code, message_zh, message_en


def correct_classification(
    dispute: Dispute, *, ip_type: str | None, patent_kind: str | None, cause_name_or_code: str | None,
    is_ip: bool, reason: str | None, actor: User, expected_version: int | None,
) -> ClassificationCorrection:
    """Store a mediator's correction and make it the case's classification.

    :param ip_type: an IP type code; may be empty when the cause names one
    :param cause_name_or_code: a cause of the case's taxonomy version (name, 纠纷 optional, or code)
    :param is_ip: False says the dispute is not about IP at all (then no type, kind or cause)
    :param expected_version: the case version the mediator saw
    :raises StaleCase: the case changed since ``expected_version``
    :raises CorrectionError: an empty reason, an unknown or inconsistent type, kind or cause, no change
    """
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase()
    why = (reason or "").strip()
    if not why:
        raise CorrectionError("reason", "reason_required", "请填写更正理由。",
                              "Please give the reason for the correction.")
    tax = load_taxonomy(dispute.taxonomy_version or DEFAULT_VERSION)
    after, node = _validated(tax, is_ip, ip_type or None, patent_kind or None, (cause_name_or_code or "").strip())
    before = {"is_ip": (dispute.classification or {}).get("is_ip"), "ip_type": dispute.ip_type,
              "patent_kind": dispute.patent_kind, "cause_code": dispute.cause_code, "cause_name": dispute.cause_name}
    if after == before:
        raise CorrectionError("ip_type", "unchanged", "与当前分类相同，无需更正。",
                              "This is the current classification already; nothing to correct.")
    correction = ClassificationCorrection(dispute_id=dispute.id, corrected_by_id=actor.id, reason=why,
                                          before=before, after=after)
    db.session.add(correction)
    db.session.flush()
    _apply(dispute, after, node, tax, actor, why, correction.id)
    record(dispute, "classification_corrected", actor=actor,
           data={"correction_id": correction.id, "before": before, "after": after, "reason": why})
    enqueue_index(dispute.id)  # the IP type is a search filter
    return correction


def _validated(tax: Taxonomy, is_ip: bool, ip_type: str | None, kind: str | None,
               cause: str) -> tuple[dict, CauseNode | None]:
    if not is_ip:
        if ip_type or kind or cause:
            raise CorrectionError("is_ip", "not_ip_has_type", "非知识产权纠纷不应填写知识产权类型、专利类型或案由。",
                                  "A dispute that is not about IP takes no IP type, patent kind or cause.")
        return {**dict.fromkeys(FIELDS), "is_ip": False}, None
    node = tax.find(cause) if cause else None
    if cause and node is None:
        raise CorrectionError("cause", "unknown_cause", f"“{cause}”不是{tax.version}年版案由目录中的案由。",
                              f"'{cause}' is not a cause of the {tax.version} list of causes.")
    ip_type = ip_type or (node.ip_type if node else None)
    if ip_type is None:
        raise CorrectionError("ip_type", "ip_type_required", "请选择知识产权类型。", "Please choose the IP type.")
    if ip_type not in IP_TYPES:
        raise CorrectionError("ip_type", "unknown_ip_type", f"未知的知识产权类型“{ip_type}”。",
                              f"Unknown IP type '{ip_type}'.")
    if node is not None and node.ip_type is not None and node.ip_type not in tax.types_for(ip_type):
        raise CorrectionError("cause", "cause_mismatch", f"案由“{node.name}”不属于{zh(IP_TYPES, ip_type)}纠纷。",
                              f"The cause '{node.name}' is not one of {en(IP_TYPES, ip_type)} disputes.")
    return {"is_ip": True, "ip_type": ip_type, "patent_kind": _patent_kind(kind, ip_type, node),
            "cause_code": node.code if node else None, "cause_name": node.name if node else None}, node


def _patent_kind(kind: str | None, ip_type: str, node: CauseNode | None) -> str | None:
    if kind is None:
        return node.patent_kind if node else None
    if kind not in PATENT_KINDS:
        raise CorrectionError("patent_kind", "unknown_patent_kind", f"未知的专利类型“{kind}”。",
                              f"Unknown patent kind '{kind}'.")
    if ip_type != "patent" and (node is None or node.subject != "patent"):
        raise CorrectionError("patent_kind", "kind_without_patent", "只有涉及专利的纠纷才填写专利类型。",
                              "A patent kind applies only to disputes about a patent.")
    if node is not None and node.patent_kind not in (None, kind):
        zh_kind, en_kind = PATENT_KINDS[node.patent_kind]
        raise CorrectionError("patent_kind", "kind_mismatch", f"案由“{node.name}”对应的专利类型是{zh_kind}。",
                              f"The cause '{node.name}' concerns a {en_kind} patent.")
    return kind


def _apply(dispute: Dispute, after: dict, node: CauseNode | None, tax: Taxonomy, actor: User, why: str,
           correction_id: int) -> None:
    old = dict(dispute.classification or {})
    # the classifier's own result is kept once, however often the case is corrected
    original = old.get("original") if old.get("corrected") else (old or None)
    ip_type = after["ip_type"]
    if node is not None and node.subject:
        subject = node.subject
    elif ip_type == "ip_contract":
        subject = old.get("subject") if old.get("ip_type") == "ip_contract" else None
    else:
        subject = ip_type
    nature = node.nature if node is not None and node.nature != "mixed" else None
    target = f"ip_type:{ip_type}" if after["is_ip"] else "non_ip"
    dispute.classification = {
        **old, **after, "subject": subject, "nature": nature or ("contract" if ip_type == "ip_contract" else None),
        "cause_level": node.level if node else None, "taxonomy_version": tax.version, "confidence": 1.0,
        "evidence": [{"source": "correction", "target": target, "value": actor.name, "reason": why}],
        "corrected": True, "corrected_by": actor.name, "correction_id": correction_id, "original": original,
    }
    dispute.ip_type, dispute.patent_kind, dispute.taxonomy_version = ip_type, after["patent_kind"], tax.version
    dispute.cause_code, dispute.cause_name = after["cause_code"], after["cause_name"]


@dataclass(frozen=True)
class RetrainSummary:
    """What a retraining did: corrections learnt, the weights before and after, accuracy on labelled cases."""

    corrections: int
    cases: int
    base_version: str
    version: str | None = None  # None: nothing new to learn, nothing written
    path: Path | None = None
    accuracy_before: dict[str, float] | None = None  # None: the labelled cases were not readable
    accuracy_after: dict[str, float] | None = None


def weights_folder(instance_dir: Path | str) -> Path:
    """Where retrained weights live: ``<instance>/classifier/weights-<version>.json``."""
    return Path(instance_dir) / WEIGHTS_FOLDER


def retrain_classifier(weights_dir: Path | str, *, cases_path: Path | str | None = None,
                       now: datetime | None = None) -> RetrainSummary:
    """Re-weight the newest weights from the corrections not learnt yet and write them as a new version.

    Each corrected case counts once, as its latest correction says; every untrained correction is marked
    ``trained_into`` the new version. With none, nothing is written.

    :param weights_dir: the folder of trained weights (see ``weights_folder``)
    :param cases_path: labelled cases (JSON lines) to measure accuracy on before and after; optional
    :raises FileExistsError: another retraining wrote the same version meanwhile
    """
    rows = db.session.execute(
        select(ClassificationCorrection).where(ClassificationCorrection.trained_into.is_(None))
        .order_by(ClassificationCorrection.id).with_for_update()
    ).scalars().all()
    # read after the rows are locked, so that a concurrent run's new file is the base
    base = _newest(Path(weights_dir)) or load_weights()
    if not rows:
        return RetrainSummary(0, 0, base.version)
    latest = {row.dispute_id: row for row in rows}
    disputes = {d.id: d for d in db.session.execute(select(Dispute).where(Dispute.id.in_(latest))).scalars()}
    examples = [_example(disputes[dispute_id], row.after) for dispute_id, row in latest.items()]
    doc = reweight(base, examples)
    doc.update(trained_from=base.version, trained_at=(now or utcnow()).isoformat(timespec="seconds"))
    new = Weights.from_dict(doc)
    path = _write(Path(weights_dir), new.version, doc)
    for row in rows:
        row.trained_into = new.version
    db.session.flush()
    before, after = _accuracy(cases_path, base, new)
    return RetrainSummary(len(rows), len(examples), base.version, new.version, path, before, after)


def _example(dispute: Dispute, after: dict) -> tuple:
    """A training example as ``reweight`` takes it: the filing as the classifier saw it, and the truth."""
    from .services import filing_body  # here: services may import active_weights from this module

    ip_type = after.get("ip_type") if after.get("is_ip") else None
    return (dispute.description or "", filing_body(dispute), ip_type, after.get("cause_name"))


def _write(folder: Path, version: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"weights-{version}.json"
    tmp = folder / f".weights-{version}.{os.getpid()}.tmp"
    tmp.write_text(dump_weights(doc), encoding="utf-8")
    try:
        # a hard link appears whole and never replaces a file another run wrote
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{path} exists already: another retraining wrote it; run again") from None
    finally:
        tmp.unlink()
    return path


def _accuracy(path: Path | str | None, *weights: Weights) -> list[dict[str, float] | None]:
    """Accuracy per field of each of ``weights`` on the labelled cases at ``path`` (None: not readable)."""
    try:
        cases = load_cases(path) if path is not None else []
    except (OSError, ValueError):
        cases = []
    reports = [evaluate(cases, weights=w) if cases else None for w in weights]
    return [{n: round(r.accuracy(n), 4) for n in ACCURACY_FIELDS} if r else None for r in reports]


_lock = threading.Lock()
_loaded: dict[Path, tuple[Path, int, Weights | None]] = {}  # folder -> (file, mtime, weights)


def active_weights(instance_dir: Path | str) -> Weights | None:
    """The newest retrained weights of this instance, or None: use the packaged ones.

    Only files of the packaged weights' major version and a later revision count, so that a release with
    new packaged weights supersedes older local training. Loaded once per process and file modification
    time; a file that does not load is logged and skipped (the packaged weights are used).
    """
    return _newest(weights_folder(instance_dir))


def _newest(folder: Path) -> Weights | None:
    major, revision = (int(part) for part in load_weights().version.split("."))
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _WEIGHTS_FILE.match(path.name)
            if match and int(match[1]) == major and int(match[2]) > revision:
                found.append((int(match[2]), path))
    if not found:
        return None
    path = max(found)[1]
    mtime = path.stat().st_mtime_ns
    with _lock:
        cached = _loaded.get(folder)
        if cached is None or cached[:2] != (path, mtime):
            try:
                weights = load_weights(path)
            except (OSError, ValueError, KeyError) as exc:
                log.error("retrained classifier weights %s do not load, using the packaged ones: %s", path, exc)
                weights = None
            cached = _loaded[folder] = (path, mtime, weights)
        return cached[2]
