"""Rules files are validated at load; every error names the file, the rule and the field."""

from __future__ import annotations

import copy

import pytest
import yaml

from dispute_hub.routing.ruleset import DEFAULT_RULES, RulesError, load_rules

BASE = {
    "version": "test",
    "rules": [
        {"id": "patent-only", "description": {"zh": "专利", "en": "patents"}, "channel": "people_mediation",
         "organization": "nt-ip-people-mediation", "preference_may_override": True,
         "conditions": [{"predicate": "ip_type_in", "args": {"types": ["patent"]}}]},
        {"id": "elsewhere", "description": {"zh": "已受理", "en": "accepted"}, "outcome": "not_accepted",
         "preference_may_override": False, "conditions": [{"predicate": "accepted_elsewhere"}]},
        {"id": "technical", "description": {"zh": "技术", "en": "technical"}, "channel": "litigation_mediation",
         "organization": "nt-intermediate-court", "preference_may_override": False,
         "conditions": [{"predicate": "any_of", "args": {"conditions": [
             {"predicate": "ip_type_in", "args": {"types": ["layout_design"]}},
             {"predicate": "cause_in", "args": {"names": ["侵害技术秘密纠纷"]}},
         ]}}]},
    ],
}


def write(tmp_path, doc) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_shipped_rules_load_and_name_the_reference_organisations():
    rules = load_rules(DEFAULT_RULES, known_organizations={
        "tzw-court", "nt-intermediate-court", "nt-ip-people-mediation", "nt-arbitration", "nt-amr",
        "nt-hometextile-center", "haian-furniture-center"})
    assert rules.version == "v1" and rules.rules[-1].conditions == ()
    assert len({r.id for r in rules}) == len(rules.rules)


def test_the_base_document_is_valid(tmp_path):
    rules = load_rules(write(tmp_path, BASE))
    assert [r.id for r in rules] == ["patent-only", "elsewhere", "technical"]
    assert rules.by_id("technical").conditions[0].args["conditions"][1].args["names"] == ("侵害技术秘密纠纷",)


def _set(path: str, value):
    def change(doc):
        target = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is KeyError:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


def _duplicate(doc):
    doc["rules"][1]["id"] = "patent-only"


@pytest.mark.parametrize(("change", "rule", "field", "words"), [
    (_set("rules.0.conditions.0.predicate", "ip_typ_in"), "patent-only", "conditions[0].predicate",
     "unknown predicate"),
    (_set("rules.0.channel", "mediation"), "patent-only", "channel", "unknown channel"),
    (_duplicate, "patent-only", "id", "duplicate id"),
    (_set("rules.0.preference_may_override", KeyError), "patent-only", "preference_may_override", "missing"),
    (_set("rules.0.preference_may_override", "yes"), "patent-only", "preference_may_override", "true or false"),
    (_set("rules.0.description", {"zh": "专利"}), "patent-only", "description", "'en'"),
    (_set("rules.0.chanel", "arbitration"), "patent-only", "chanel", "unknown field"),
    (_set("rules.0.conditions.0.args.types", ["patents"]), "patent-only", "conditions[0].args.types",
     "unknown ip_types patents"),
    (_set("rules.0.conditions.0.args", KeyError), "patent-only", "conditions[0].args.types", "missing"),
    (_set("rules.0.conditions.0.args.colour", "red"), "patent-only", "conditions[0].args.colour",
     "no such argument"),
    (_set("rules.0.conditions", "ip_type_in"), "patent-only", "conditions", "must be a list"),
    (_set("rules.0.organization", KeyError), "patent-only", "organization", "missing"),
    (_set("rules.0.organization", "NT Court"), "patent-only", "organization", "organisation code"),
    (_set("rules.0.outcome", "reject"), "patent-only", "outcome", "unknown outcome"),
    (_set("rules.1.channel", "arbitration"), "elsewhere", "channel", "names no channel"),
    (_set("rules.1.conditions.0", {"predicate": "accepted_elsewhere", "negate": True}), "elsewhere",
     "conditions[0]", "unknown keys"),
    (_set("rules.2.conditions.0.args.conditions.1.predicate", "cause_is"), "technical",
     "conditions[0].args.conditions[1].predicate", "unknown predicate"),
    (_set("rules.2.conditions.0.args.conditions.1.args.names", ["侵害技术秘密"]), "technical", None, None),
    (_set("rules.2.conditions.0.args.conditions.1.args.names", ["侵害宇宙秘密纠纷"]), "technical",
     "conditions[0].args.conditions[1].args.names", "not in the 2020 taxonomy"),
    (_set("rules.2.id", "Technical Rule"), "Technical Rule", "id", "slug"),
])
def test_errors_name_file_rule_and_field(tmp_path, change, rule, field, words):
    doc = copy.deepcopy(BASE)
    change(doc)
    path = write(tmp_path, doc)
    if field is None:  # a valid variant: cause names without 纠纷 are accepted and canonicalised
        assert load_rules(path).by_id(rule).conditions[0].args["conditions"][1].args["names"] == ("侵害技术秘密纠纷",)
        return
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: rule '{rule}' field '{field}':"), message
    assert words in message


def test_unknown_organisations_are_refused_when_the_known_ones_are_given(tmp_path):
    with pytest.raises(RulesError, match=r"rule 'technical' field 'organization': unknown organisation"):
        load_rules(write(tmp_path, BASE), known_organizations={"nt-ip-people-mediation"})


@pytest.mark.parametrize(("text", "words"), [
    ("rules: [", "cannot read rules"),
    ("- just a list", "must hold a mapping"),
    ("rules: []\nversion: x", "'rules' must be a non-empty list"),
    ("rules:\n  - id: x", "field 'version' is missing"),
    ("version: 1\nrules:\n  - 3", "rule '#1' field '-'"),
])
def test_file_level_errors_name_the_file(tmp_path, text, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=words) as caught:
        load_rules(path)
    assert str(caught.value).startswith(str(path))


def test_a_missing_file_is_a_rules_error(tmp_path):
    with pytest.raises(RulesError, match="cannot read rules"):
        load_rules(tmp_path / "nope.yaml")
