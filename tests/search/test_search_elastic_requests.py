"""The requests the Elasticsearch backend sends, checked against a fake node: no server needed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import Elasticsearch

from search import SearchDocument, SearchError
from search.analysis import ANALYSIS_VERSION, analyze, join_terms
from search.elastic import ElasticsearchBackend

Reply = tuple[int, Any]


class NodeResponse(NamedTuple):
    """What a transport node returns: response metadata and the raw body."""

    meta: ApiResponseMeta
    body: bytes


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any


@dataclass
class FakeCluster:
    """Answers requests from a table of (method, path) -> reply and records every request."""

    replies: dict[tuple[str, str], Reply | Callable[[Call], Reply]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    down: bool = False

    def answer(self, call: Call) -> Reply:
        self.calls.append(call)
        if self.down:
            raise TransportConnectionError("connection refused")
        reply = self.replies.get((call.method, call.path), (200, {"acknowledged": True}))
        return reply(call) if callable(reply) else reply

    def find(self, method: str, path: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.path == path]


def _decode(body: bytes | None) -> Any:
    if not body:
        return None
    text = body.decode("utf-8")
    lines = [line for line in text.split("\n") if line]
    if len(lines) > 1:  # NDJSON, as the bulk API sends
        return [json.loads(line) for line in lines]
    return json.loads(text)


def make_client(cluster: FakeCluster) -> Elasticsearch:
    class FakeNode(BaseNode):
        def perform_request(self, method, target, body=None, headers=None, request_timeout=None):  # type: ignore[no-untyped-def, override]
            parts = urlsplit(target)
            params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            status, payload = cluster.answer(Call(method, parts.path, params, _decode(body)))
            meta = ApiResponseMeta(
                status=status,
                http_version="1.1",
                headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
                duration=0.0,
                node=self.config,
            )
            raw = b"" if method == "HEAD" else json.dumps(payload).encode()
            return NodeResponse(meta, raw)

    return Elasticsearch("http://127.0.0.1:9200", node_class=FakeNode, max_retries=0)


ALIAS = "t-cases"
NEXT = "t-cases-next"
CASE = SearchDocument(
    id="c1",
    title="梦洁家纺外观设计",
    text="被申请人在淘宝销售与申请人外观设计专利近似的四件套。",
    ip_type="design_patent",
    organization="家纺快速维权中心",
    year=2024,
    extra={"tracking_number": "NT-1"},
)


def source_of(document: SearchDocument) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "text": document.text,
        "terms": join_terms(analyze(document.text)),
        "title_terms": join_terms(analyze(document.title)),
        **document.filter_values(),
        "extra": dict(document.extra),
    }


@pytest.fixture
def cluster() -> FakeCluster:
    fake = FakeCluster()
    # The live alias exists; no reindex is under way.
    fake.replies[("HEAD", f"/_alias/{ALIAS}")] = (200, None)
    fake.replies[("HEAD", f"/_alias/{NEXT}")] = (404, None)
    return fake


@pytest.fixture
def backend(cluster: FakeCluster) -> ElasticsearchBackend:
    return ElasticsearchBackend(make_client(cluster), "t", refresh=True)


def test_first_use_installs_the_template_and_creates_the_aliased_index(cluster: FakeCluster) -> None:
    cluster.replies[("HEAD", f"/_alias/{ALIAS}")] = (404, None)
    backend = ElasticsearchBackend(make_client(cluster), "t", replicas=1)

    backend.ensure_index()

    template = cluster.find("PUT", "/_index_template/t-cases")[0].body
    assert template["index_patterns"] == ["t-cases-*"]
    assert template["template"]["settings"] == {"number_of_shards": 1, "number_of_replicas": 1}
    mappings = template["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    assert mappings["_meta"]["analysis_version"] == ANALYSIS_VERSION
    properties = mappings["properties"]
    assert properties["terms"] == {"type": "text", "analyzer": "whitespace"}
    assert properties["text"] == {"type": "text", "analyzer": "standard"}
    assert properties["ip_type"] == {"type": "keyword"}
    assert properties["year"] == {"type": "integer"}
    assert properties["extra"]["enabled"] is False
    created = cluster.find("PUT", "/t-cases-initial")[0]
    assert created.body == {"aliases": {ALIAS: {}}}


def test_first_use_adopts_an_index_another_process_created(cluster: FakeCluster) -> None:
    cluster.replies[("HEAD", f"/_alias/{ALIAS}")] = (404, None)
    exists = {"error": {"type": "resource_already_exists_exception"}, "status": 400}
    cluster.replies[("PUT", "/t-cases-initial")] = (400, exists)

    ElasticsearchBackend(make_client(cluster), "t").ensure_index()

    assert cluster.find("PUT", f"/t-cases-initial/_alias/{ALIAS}")


def test_nothing_is_sent_before_first_use(cluster: FakeCluster) -> None:
    ElasticsearchBackend(make_client(cluster), "t")

    assert cluster.calls == []


def test_index_sends_the_analysed_terms_through_the_alias(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    backend.index(CASE)

    call = cluster.find("PUT", f"/{ALIAS}/_doc/c1")[0]
    assert call.params == {"refresh": "true", "require_alias": "true"}
    assert call.body == source_of(CASE)
    assert "外观设计专利" in call.body["terms"].split()


def test_writes_during_a_reindex_also_reach_the_new_index(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("HEAD", f"/_alias/{NEXT}")] = (200, None)

    backend.index(CASE)
    backend.delete("c2")

    assert cluster.find("PUT", f"/{ALIAS}/_doc/c1") and cluster.find("PUT", f"/{NEXT}/_doc/c1")
    assert cluster.find("DELETE", f"/{ALIAS}/_doc/c2") and cluster.find("DELETE", f"/{NEXT}/_doc/c2")


def test_delete_of_a_missing_document_is_not_an_error(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("DELETE", f"/{ALIAS}/_doc/gone")] = (404, {"result": "not_found"})

    backend.delete("gone")

    assert cluster.find("DELETE", f"/{ALIAS}/_doc/gone")[0].params == {"refresh": "true"}


def test_bulk_index_sends_one_action_per_document(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("PUT", "/_bulk")] = (200, {"errors": False, "items": [{"index": {"status": 200}}] * 2})
    other = SearchDocument(id="c2", text="假冒注册商标的床单")

    assert backend.bulk_index([CASE, other]) == 2

    call = cluster.find("PUT", "/_bulk")[0]
    assert call.params == {"refresh": "true", "require_alias": "true"}
    assert call.body == [
        {"index": {"_index": ALIAS, "_id": "c1"}},
        source_of(CASE),
        {"index": {"_index": ALIAS, "_id": "c2"}},
        source_of(other),
    ]


def similar_reply(call: Call) -> Reply:
    hit = {
        "_id": "c9",
        "_score": 7.5,
        "_source": source_of(SearchDocument(id="c9", text="被申请人在淘宝销售四件套，侵犯外观设计专利。", year=2023)),
        "highlight": {"terms": ["被申请人 在 <em>淘宝</em> 销售 <em>四件套</em> <em>外观设计专利</em>"]},
    }
    return 200, {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [hit]}}


def test_similar_sends_more_like_this_on_the_terms_field(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("POST", f"/{ALIAS}/_search")] = similar_reply

    hits = backend.similar(CASE.text, doc_id="c1", filters={"ip_type": "design_patent", "year": [2023, 2024]}, limit=5)

    body = cluster.find("POST", f"/{ALIAS}/_search")[0].body
    assert body["size"] == 5
    mlt = body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["fields"] == ["terms"]
    assert mlt["like"] == [join_terms(analyze(CASE.text))]
    assert mlt["min_doc_freq"] == 1 and mlt["max_query_terms"] == 25 and mlt["minimum_should_match"] == "1"
    assert body["query"]["bool"]["filter"] == [
        {"term": {"ip_type": "design_patent"}},
        {"terms": {"year": [2023, 2024]}},
    ]
    assert body["query"]["bool"]["must_not"] == [{"ids": {"values": ["c1"]}}]
    assert body["highlight"]["fields"] == {"terms": {"number_of_fragments": 0}}
    assert [hit.id for hit in hits] == ["c9"]
    assert hits[0].score == 7.5
    assert set(hits[0].shared_terms) == {"淘宝", "四件套", "外观设计专利"}
    assert "<mark>四件套</mark>" in hits[0].highlight
    assert hits[0].fields == {"year": 2023}


def test_similar_to_a_stored_case_uses_its_stored_terms(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("GET", f"/{ALIAS}/_doc/c1")] = (200, {"_id": "c1", "_source": {"terms": "淘宝 四件套"}})
    cluster.replies[("POST", f"/{ALIAS}/_search")] = similar_reply

    backend.similar(doc_id="c1")

    assert cluster.find("GET", f"/{ALIAS}/_doc/c1")[0].params == {"_source_includes": "terms"}
    mlt = cluster.find("POST", f"/{ALIAS}/_search")[0].body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["like"] == ["淘宝 四件套"]
    assert mlt["min_doc_freq"] == 2


def test_similar_to_an_unknown_case_sends_no_search(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("GET", f"/{ALIAS}/_doc/nope")] = (404, {"found": False})

    assert backend.similar(doc_id="nope") == []
    assert not cluster.find("POST", f"/{ALIAS}/_search")


def test_keyword_search_requires_each_term_and_counts_facets(
    backend: ElasticsearchBackend, cluster: FakeCluster
) -> None:
    buckets = {"buckets": [{"key": "design_patent", "doc_count": 3}, {"key": "trademark", "doc_count": 1}]}
    reply = {"hits": {"total": {"value": 4}, "hits": []}, "aggregations": {"ip_type": buckets, "year": {"buckets": []}}}
    cluster.replies[("POST", f"/{ALIAS}/_search")] = (200, reply)

    result = backend.search("四件套 淘寶", filters={"status": "closed"}, limit=5, offset=10, facets=("ip_type", "year"))

    body = cluster.find("POST", f"/{ALIAS}/_search")[0].body
    assert body["from"] == 10 and body["size"] == 5 and body["track_total_hits"] is True
    must = body["query"]["bool"]["must"]
    assert [clause["bool"]["should"][0] for clause in must] == [
        {"term": {"terms": "四件套"}},
        {"term": {"terms": "淘宝"}},
    ]
    assert must[0]["bool"]["should"][1] == {"term": {"title_terms": {"value": "四件套", "boost": 2.0}}}
    assert body["query"]["bool"]["filter"] == [{"term": {"status": "closed"}}]
    assert body["aggs"] == {
        "ip_type": {"terms": {"field": "ip_type", "size": 100}},
        "year": {"terms": {"field": "year", "size": 100}},
    }
    assert result.total == 4
    assert result.facets == {"ip_type": {"design_patent": 3, "trademark": 1}, "year": {}}


def test_empty_search_lists_by_year_without_scoring(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("POST", f"/{ALIAS}/_search")] = (200, {"hits": {"total": {"value": 0}, "hits": []}})

    backend.search("", facets=())

    body = cluster.find("POST", f"/{ALIAS}/_search")[0].body
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [{"year": {"order": "desc", "missing": "_last"}}]
    assert "aggs" not in body


def test_count_sends_filters_only(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("POST", f"/{ALIAS}/_count")] = (200, {"count": 7})

    assert backend.count({"organization": ["a", "b"]}) == 7
    assert cluster.find("POST", f"/{ALIAS}/_count")[0].body == {
        "query": {"bool": {"filter": [{"terms": {"organization": ["a", "b"]}}]}}
    }


def test_reindex_fills_a_new_index_and_swaps_the_alias(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("GET", f"/_alias/{NEXT}")] = (404, {})
    cluster.replies[("GET", f"/_alias/{ALIAS}")] = (200, {"t-cases-initial": {"aliases": {ALIAS: {}}}})
    cluster.replies[("PUT", "/_bulk")] = (200, {"errors": False, "items": [{"index": {"status": 201}}]})

    assert backend.reindex([CASE]) == 1

    created = [call for call in cluster.calls if call.method == "PUT" and call.path.startswith("/t-cases-2")]
    new_index = created[0].path.strip("/")
    assert created[0].body == {"aliases": {NEXT: {}}, "settings": {"index": {"refresh_interval": "-1"}}}
    bulk = cluster.find("PUT", "/_bulk")[0]
    assert bulk.body[0] == {"index": {"_index": new_index, "_id": "c1"}}
    assert bulk.params == {"refresh": "false"}
    assert cluster.find("PUT", f"/{new_index}/_settings")[0].body == {"index": {"refresh_interval": None}}
    assert cluster.find("POST", "/_aliases")[0].body == {
        "actions": [
            {"add": {"index": new_index, "alias": ALIAS}},
            {"remove": {"index": "t-cases-initial", "alias": ALIAS}},
            {"remove": {"index": new_index, "alias": NEXT}},
        ]
    }
    order = [(call.method, call.path) for call in cluster.calls]
    assert (
        order.index(("PUT", "/_bulk"))
        < order.index(("POST", "/_aliases"))
        < order.index(("DELETE", "/t-cases-initial"))
    )


def test_failed_reindex_deletes_the_new_index_and_keeps_the_old(
    backend: ElasticsearchBackend, cluster: FakeCluster
) -> None:
    cluster.replies[("GET", f"/_alias/{NEXT}")] = (404, {})
    cluster.replies[("PUT", "/_bulk")] = (500, {"error": "boom"})

    with pytest.raises(SearchError):
        backend.reindex([CASE])

    created = [call.path for call in cluster.calls if call.method == "PUT" and call.path.startswith("/t-cases-2")]
    assert cluster.find("DELETE", created[0])
    assert not cluster.find("POST", "/_aliases")


def test_begin_reindex_drops_a_half_built_index_left_by_a_crash(
    backend: ElasticsearchBackend, cluster: FakeCluster
) -> None:
    cluster.replies[("GET", f"/_alias/{NEXT}")] = (200, {"t-cases-20240101000000-abcdef": {"aliases": {NEXT: {}}}})

    backend.begin_reindex()

    assert cluster.find("DELETE", "/t-cases-20240101000000-abcdef")


def test_needs_reindex_compares_the_analysis_version(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    mapping = {"t-cases-initial": {"mappings": {"_meta": {"analysis_version": ANALYSIS_VERSION}}}}
    cluster.replies[("GET", f"/{ALIAS}/_mapping")] = (200, mapping)
    assert not backend.needs_reindex()

    mapping["t-cases-initial"]["mappings"]["_meta"]["analysis_version"] = "old"
    assert backend.needs_reindex()


def test_server_errors_become_search_errors(backend: ElasticsearchBackend, cluster: FakeCluster) -> None:
    cluster.replies[("POST", f"/{ALIAS}/_count")] = (500, {"error": "shard failure"})

    with pytest.raises(SearchError, match="elasticsearch"):
        backend.count()


def test_an_unreachable_server_becomes_a_search_error(cluster: FakeCluster) -> None:
    cluster.down = True
    backend = ElasticsearchBackend(make_client(cluster), "t")

    with pytest.raises(SearchError):
        backend.index(CASE)


def test_invalid_prefix_is_refused(cluster: FakeCluster) -> None:
    with pytest.raises(ValueError, match="prefix"):
        ElasticsearchBackend(make_client(cluster), "Bad Prefix")
