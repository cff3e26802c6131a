"""xAPI 1.0.3 statement validation and reading (govcx.training.xapi), on the specification's own examples."""

from __future__ import annotations

import copy

import pytest

from govcx.training.xapi import (
    XapiInvalid,
    filter_keys,
    ids_format,
    is_completion,
    mbox_sha1,
    parse_agent_parameter,
    same_statement,
    validate_statement,
)

# The simplest statement of xAPI-Data 2.4, "an example of the simplest possible Statement".
SIMPLE = {
    "id": "12345678-1234-5678-1234-567812345678",
    "actor": {"mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
    "object": {"id": "http://example.adlnet.gov/xapi/example/activity"},
}


def variant(**changes):
    statement = copy.deepcopy(SIMPLE)
    for key, value in changes.items():
        if value is None:
            statement.pop(key)
        else:
            statement[key] = value
    return statement


def test_the_specification_examples_are_valid():
    validate_statement(SIMPLE)
    voiding = {
        "actor": {"objectType": "Agent", "name": "Example Admin", "mbox": "mailto:admin@example.adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
    }
    validate_statement(voiding)
    full = variant(
        actor={"objectType": "Group", "name": "Team", "mbox": "mailto:team@example.com",
               "member": [{"account": {"homePage": "http://www.example.com", "name": "13936749"}},
                          {"openid": "http://toby.openid.example.org/"},
                          {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
        result={"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "success": True, "completion": True,
                "response": "ok", "duration": "PT1H0M0S", "extensions": {"http://example.com/ext": None}},
        context={"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                 "contextActivities": {"parent": {"id": "http://example.com/p"},
                                       "category": [{"id": "http://example.com/c"}]},
                 "platform": "Moodle", "language": "en-GB", "revision": "1",
                 "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}},
        timestamp="2013-05-18T05:32:34.804+00:00",
        attachments=[{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en": "sig"},
                      "contentType": "application/octet-stream", "length": 4235, "sha2": "abc"}],
    )
    validate_statement(full)


@pytest.mark.parametrize("statement", [
    variant(actor=None),
    variant(extra=1),
    variant(Actor=SIMPLE["actor"]),
    variant(id="not-a-uuid"),
    variant(id=None, verb={"id": "created"}),
    variant(actor={"mbox": "xapi@adlnet.gov"}),
    variant(actor={"mbox": "mailto:a@b.c", "openid": "http://a.example/"}),
    variant(actor={"name": "nobody"}),
    variant(actor={"objectType": "Group", "name": "anonymous, no members"}),
    variant(actor={"objectType": "agent", "mbox": "mailto:a@b.c"}),
    variant(object={"objectType": "Agent_", "mbox": "mailto:a@b.c"}),
    variant(object={"mbox": "mailto:a@b.c"}),
    variant(object={"objectType": "SubStatement", "id": "12345678-1234-5678-1234-567812345678",
                    "actor": SIMPLE["actor"], "verb": SIMPLE["verb"], "object": SIMPLE["object"]}),
    variant(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}),
    variant(verb={"id": "http://example.com/v", "display": {"not a tag": "x"}}),
    variant(timestamp="2013-05-18 05:32"),
    variant(timestamp="2013-05-18T05:32:34.804-00:00"),
    variant(result={"score": {"scaled": 1.5}}),
    variant(result={"score": {"raw": "95"}}),
    variant(result={"completion": "true"}),
    variant(result={"duration": "P"}),
    variant(result={"score": {"min": 5, "max": 1}}),
    variant(context={"registration": "x"}),
    variant(object={"objectType": "Agent", "mbox": "mailto:a@b.c"}, context={"platform": "x"}),
    variant(version="2.0.0"),
    variant(verb={"id": "http://example.com/v", "display": None}),
    variant(context={"contextActivities": {"parent": {"id": "not an iri"}}}),
])
def test_malformed_statements_are_refused(statement):
    with pytest.raises(XapiInvalid):
        validate_statement(statement)


def test_completion_and_keys():
    statement = variant(verb={"id": "http://adlnet.gov/expapi/verbs/completed"},
                        context={"instructor": {"mbox": "mailto:t@example.com"},
                                 "contextActivities": {"parent": [{"id": "http://example.com/p"}]}})
    assert is_completion(statement)
    assert is_completion(variant(result={"completion": True}))
    assert not is_completion(SIMPLE)
    agents, related_agents, activities, related_activities = filter_keys(statement)
    assert agents == {"mbox:xapi@adlnet.gov"}
    assert "mbox:t@example.com" in related_agents and "mbox:t@example.com" not in agents
    assert activities == {"http://example.adlnet.gov/xapi/example/activity"}
    assert "http://example.com/p" in related_activities


def test_same_statement_ignores_what_the_lrs_may_change():
    stored = {**SIMPLE, "stored": "2024-01-01T00:00:00Z", "authority": {"mbox": "mailto:lms@example.com"},
              "version": "1.0.0", "timestamp": "2024-01-01T00:00:00Z"}
    again = variant(verb={"id": SIMPLE["verb"]["id"]}, timestamp="2024-01-01T03:00:00+03:00")
    assert same_statement(stored, again)
    assert not same_statement(stored, variant(object={"id": "http://example.com/other"}))


def test_ids_format_and_agent_parameter():
    reduced = ids_format(variant(actor={"name": "X", "mbox": "mailto:a@b.c"},
                                 object={"id": "http://e.com/a", "definition": {"name": {"en": "A"}}}))
    assert reduced["actor"] == {"mbox": "mailto:a@b.c"} and reduced["object"] == {"id": "http://e.com/a"}
    assert reduced["verb"] == {"id": SIMPLE["verb"]["id"]}
    assert parse_agent_parameter('{"mbox": "mailto:A@B.C"}') == "mbox:A@b.c"
    with pytest.raises(XapiInvalid):
        parse_agent_parameter("{not json")
    assert mbox_sha1("xapi@adlnet.gov") == __import__("hashlib").sha1(b"mailto:xapi@adlnet.gov").hexdigest()
