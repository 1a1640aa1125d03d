"""Official case causes (案由) as versioned, immutable data with lookups by name and code."""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .vocab import IP_TYPES, NATURES, PATENT_KINDS

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_VERSION = "2020"
LEVELS = ("group", "cause", "item")
_FILE_PREFIX = "causes-"


class TaxonomyError(LookupError):
    """An unknown taxonomy version, or a data file that breaks the expected shape."""


@dataclass(frozen=True, slots=True)
class CauseNode:
    """One entry of the taxonomy: a first-level group, a numbered cause or a third-level item."""

    code: str
    name: str
    level: str
    parent_code: str | None
    ip_type: str | None
    subject: str | None
    nature: str
    patent_kind: str | None
    number: int | None = None
    children: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "level": self.level, "parent": self.parent_code,
            "ip_type": self.ip_type, "subject": self.subject, "nature": self.nature,
            "patent_kind": self.patent_kind,
        }


def name_key(name: str) -> str:
    """Lookup key of a cause name: width folded, spaces dropped, trailing 纠纷 optional."""
    key = unicodedata.normalize("NFKC", name).replace(" ", "").strip()
    return key[:-2] if key.endswith("纠纷") else key


@dataclass(frozen=True)
class Taxonomy:
    """A version of the cause list; all nodes in official order, with read-only indices."""

    version: str
    title: str
    nodes: tuple[CauseNode, ...]
    ip_type_aliases: Mapping[str, tuple[str, ...]]
    _by_code: Mapping[str, CauseNode]
    _by_name: Mapping[str, CauseNode]

    def __iter__(self) -> Iterator[CauseNode]:
        return iter(self.nodes)

    def by_code(self, code: str) -> CauseNode:
        """The node with this code (e.g. "160" or "160.5"); KeyError when there is none."""
        return self._by_code[code]

    def by_name(self, name: str) -> CauseNode:
        """The node with this name, 纠纷 and full/half-width brackets optional; KeyError otherwise."""
        return self._by_name[name_key(name)]

    def find(self, code_or_name: str) -> CauseNode | None:
        """The node with this code or name, or None."""
        node = self._by_code.get(code_or_name)
        return node if node is not None else self._by_name.get(name_key(code_or_name))

    def parent(self, node: CauseNode) -> CauseNode | None:
        return self._by_code[node.parent_code] if node.parent_code else None

    def children(self, node: CauseNode) -> tuple[CauseNode, ...]:
        return tuple(self._by_code[c] for c in node.children)

    def path(self, node: CauseNode) -> tuple[CauseNode, ...]:
        """The node's ancestors from the group down, ending with the node itself."""
        chain = [node]
        while (up := self.parent(chain[-1])) is not None:
            chain.append(up)
        return tuple(reversed(chain))

    def level(self, level: str) -> tuple[CauseNode, ...]:
        return tuple(n for n in self.nodes if n.level == level)

    def types_for(self, ip_type: str) -> tuple[str, ...]:
        """IP types whose causes serve ``ip_type`` (itself, plus aliases such as GI → trademark)."""
        return (ip_type, *self.ip_type_aliases.get(ip_type, ()))


_lock = threading.Lock()
_cache: dict[str, Taxonomy] = {}


def available_versions() -> tuple[str, ...]:
    """Versions with a data file (``data/causes-<version>.json``), oldest first."""
    return tuple(sorted(p.stem[len(_FILE_PREFIX):] for p in DATA_DIR.glob(f"{_FILE_PREFIX}*.json")))


def load_taxonomy(version: str = DEFAULT_VERSION) -> Taxonomy:
    """The taxonomy of ``version``, read once and shared (it is immutable).

    :raises TaxonomyError: when no data file exists for the version, or the file is malformed
    """
    with _lock:
        if version not in _cache:
            path = DATA_DIR / f"{_FILE_PREFIX}{version}.json"
            if not path.is_file():
                raise TaxonomyError(
                    f"no taxonomy version {version!r}; available: {', '.join(available_versions())}"
                )
            _cache[version] = taxonomy_from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
        return _cache[version]


def taxonomy_from_dict(doc: dict, source: str = "<dict>") -> Taxonomy:
    """Build a Taxonomy from the JSON document shape of ``data/causes-*.json``."""
    nodes: list[CauseNode] = []
    for group in doc["groups"]:
        causes = group.get("causes", [])
        nodes.append(_node(group, "group", None, tuple(c["code"] for c in causes), source))
        for cause in causes:
            items = cause.get("items", [])
            nodes.append(_node(cause, "cause", group["code"], tuple(i["code"] for i in items), source))
            nodes.extend(_node(item, "item", cause["code"], (), source) for item in items)
    by_code: dict[str, CauseNode] = {}
    by_name: dict[str, CauseNode] = {}
    for node in nodes:
        if node.code in by_code or name_key(node.name) in by_name:
            raise TaxonomyError(f"{source}: duplicate code or name at {node.code} {node.name}")
        by_code[node.code] = node
        by_name[name_key(node.name)] = node
    aliases = {k: tuple(v) for k, v in doc.get("ip_type_aliases", {}).items()}
    return Taxonomy(
        version=str(doc["version"]), title=doc.get("title", ""), nodes=tuple(nodes),
        ip_type_aliases=MappingProxyType(aliases),
        _by_code=MappingProxyType(by_code), _by_name=MappingProxyType(by_name),
    )


def _node(raw: dict, level: str, parent: str | None, children: tuple[str, ...], source: str) -> CauseNode:
    node = CauseNode(
        code=str(raw["code"]), name=raw["name"], level=level, parent_code=parent,
        ip_type=raw.get("ip_type"), subject=raw.get("subject"), nature=raw.get("nature", "mixed"),
        patent_kind=raw.get("patent_kind"), number=raw.get("number"), children=children,
    )
    bad = (
        (node.ip_type is not None and node.ip_type not in IP_TYPES)
        or (node.subject is not None and node.subject not in IP_TYPES)
        or (node.nature not in NATURES and node.nature != "mixed")
        or (node.patent_kind is not None and node.patent_kind not in PATENT_KINDS)
    )
    if bad:
        raise TaxonomyError(f"{source}: node {node.code} {node.name} has an unknown type, nature or kind")
    return node
