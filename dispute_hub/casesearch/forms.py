"""The search page's query string: words and exact filters, checked against the known codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..labels import CHANNELS, STATUSES

MAX_QUERY = 200
# query-string name -> index field
FILTER_PARAMS = {"cause": "cause_name", "channel": "channel", "status": "status", "district": "district",
                 "year": "year"}


@dataclass(frozen=True)
class SearchArgs:
    query: str = ""
    filters: dict[str, str | int] = field(default_factory=dict)
    page: int = 1

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> SearchArgs:
        """Read ``q``, the filters and ``page``; an unknown channel/status or a bad year is ignored."""
        filters: dict[str, str | int] = {}
        for param, name in FILTER_PARAMS.items():
            value = (args.get(param) or "").strip()[:MAX_QUERY]
            if not value:
                continue
            if name == "year":
                if value.isdigit() and len(value) == 4:
                    filters[name] = int(value)
            elif (name == "channel" and value not in CHANNELS) or (name == "status" and value not in STATUSES):
                continue
            else:
                filters[name] = value
        try:
            page = max(1, int(args.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        return cls((args.get("q") or "").strip()[:MAX_QUERY], filters, page)

    def url_args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments of this search, with some changed (facet links, paging)."""
        current: dict[str, object] = {"q": self.query or None, "page": None}
        for param, name in FILTER_PARAMS.items():
            current[param] = self.filters.get(name)
        current.update(changes)
        return {key: value for key, value in current.items() if value not in (None, "")}
