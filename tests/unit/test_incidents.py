"""Incident grouping and notification policy (pure domain, no Kafka)."""

from __future__ import annotations

import base64
import copy
import random
import string
from datetime import timedelta
from typing import Any, get_args

import numpy as np
import pytest
from datasketch import MinHash
from pydantic import BaseModel

from app.domain.incidents.engine import IncidentEngine
from app.domain.incidents.keys import grouping_key, incident_id_for
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.incidents.record import incident_record
from app.domain.incidents.similarity import NUM_PERM, shingles, signature, similarity
from app.domain.incidents.state import IncidentState, IndexEntry, KeyIndex
from app.domain.incidents.tables import BuiltIncidents, Table, open_book, save_book
from schemas import EscalationAlert
from tests.support.incidents import T0, make_alert

MISSILE = "North Korea fires ballistic missile into sea off its east coast, Seoul says"
MISSILE_2 = "North Korea fires ballistic missile off east coast into the sea"
MISSILE_3 = "Seoul says North Korea fired a ballistic missile into sea off east coast"
BORDER = "South Korean troops fire warning shots at border loudspeaker dispute escalates"


@pytest.fixture
def engine() -> IncidentEngine:
    return IncidentEngine(GroupingPolicy(), NotificationPolicy())


def test_key_is_dyad_source_else_first_actor_else_dash() -> None:
    assert grouping_key(make_alert("a", MISSILE, dyad=("PRK", "KOR"))) == "PRK"
    assert grouping_key(make_alert("a", MISSILE, dyad=None, actors=("KOR", "PRK"))) == "KOR"
    assert grouping_key(make_alert("a", MISSILE, dyad=None, actors=())) == "-"
    # An alert that names no country is keyed under the outlets' home country, if one is set.
    assert grouping_key(make_alert("a", MISSILE, dyad=None, actors=()), "USA") == "USA"
    assert grouping_key(make_alert("a", MISSILE, dyad=("PRK", None)), "USA") == "PRK"


def test_headline_key_is_the_most_named_foreign_headline_country() -> None:
    def key(headline: tuple[str, ...], actors: tuple[str, ...]) -> str:
        alert = make_alert("a", MISSILE, actors=actors, headline_actors=headline)
        return grouping_key(alert, "USA", "headline")

    # "Seoul says North Korea fired...": the article names North Korea most.
    assert key(("KOR", "PRK"), ("PRK", "KOR")) == "PRK"
    # A US reaction to an attack abroad: the home country is passed over in the headline.
    assert key(("USA", "BEL"), ("USA", "BEL")) == "BEL"
    # No foreign country in the headline, alerts before 1.4 (no lead): the most named country.
    assert key(("USA",), ("USA", "BEL")) == "USA"
    assert key((), ("KOR", "PRK")) == "KOR"


def test_headline_key_among_several_headline_countries_is_the_leads_first() -> None:
    def key(lead: str) -> str:
        alert = make_alert(
            "a", MISSILE, actors=("KOR", "PRK"), headline_actors=("KOR", "PRK"), lead=lead
        )
        return grouping_key(alert, "USA", "headline")

    # The lead says where the event is first, whatever the body's counts.
    assert key("North Korea fired a missile into the sea, South Korea's military said.") == "PRK"
    assert key("South Korea said North Korea fired a missile into the sea.") == "KOR"
    # A lead that names neither: the most named country.
    assert key("A missile fell into the sea off the east coast on Monday.") == "KOR"


def test_headline_key_without_a_foreign_headline_country_needs_the_lead() -> None:
    def key(actors: tuple[str, ...], lead: str) -> str:
        alert = make_alert("a", "Gunman kills two at a mall", actors=actors, lead=lead)
        return grouping_key(alert, "USA", "headline")

    # The article's most named country is the key when the lead names it too ...
    assert key(("KOR",), "A gunman killed two people at a mall in Seoul, South Korea.") == "KOR"
    # ... and a country named only further down (a word read as a country, a company's
    # foreign owner) leaves a domestic story under the home country.
    assert key(("JPN",), "A gunman killed two people at a mall in a quiet suburb.") == "USA"
    assert key((), "A gunman killed two people at a mall in a quiet suburb.") == "USA"


def test_shingles_are_headline_and_lead_else_evidence() -> None:
    with_lead = make_alert(
        "a", "Volcano erupts", "Ash closed the airport.", lead="Lava reached the village."
    )
    marked = {"^volcano", "^erupts"}  # the headline's words, for the headline check
    assert shingles(with_lead) == {"volcano", "erupts", "lava", "reached", "village"} | marked
    # An alert without a lead (contracts before 1.4) is compared by its evidence sentences.
    without = make_alert("b", "Volcano erupts", "Ash closed the airport.")
    assert shingles(without) == {"volcano", "erupts", "ash", "closed", "airport"} | marked


def test_incident_id_is_deterministic() -> None:
    assert incident_id_for("PRK", "x") == incident_id_for("PRK", "x")
    assert incident_id_for("PRK", "x") != incident_id_for("KOR", "x")


def test_similar_headlines_score_higher_than_different_events() -> None:
    missile = signature(shingles(make_alert("a", MISSILE)))
    assert similarity(missile, signature(shingles(make_alert("b", MISSILE_2)))) > 0.3
    assert similarity(missile, signature(shingles(make_alert("c", BORDER)))) < 0.1
    assert similarity("", missile) == 0.0


def test_signatures_match_a_minhash_with_its_own_permutations() -> None:
    # Member signatures live in the changelogs: sharing the drawn permutations between
    # signatures must leave them what a MinHash of its own makes, or stored members stop
    # matching new alerts.
    tokens = shingles(make_alert("a", MISSILE))
    first, second = signature(tokens), signature(tokens)
    assert first == second
    version, size, packed, _, _ = first.split(":")
    words = {token for token in tokens if not token.startswith("^")}
    assert (version, int(size)) == ("3", len(words))
    own = MinHash(num_perm=NUM_PERM, seed=1)
    own.update_batch([token.encode("utf-8") for token in sorted(words)])
    stored = np.frombuffer(base64.b64decode(packed), dtype="<u2")
    kept = ((own.hashvalues.astype(np.uint64) * 0x9E3779B1) & 0xFFFFFFFF) >> 16
    assert (stored == kept).all()


def test_unrelated_short_headlines_do_not_look_alike() -> None:
    # In datasketch's affine permutations (mod 2**32) the low 16 bits of a hash value depend
    # only on the low 16 bits of the word's hash: kept as they came, they made two unrelated
    # six-word headlines agree in several permutations and score about 0.06 (the threshold).
    # Random words, so that no phrase is special-cased.
    rng = random.Random(11)
    titles = [
        " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(6))
        for _ in range(150)
    ]
    signatures = [signature(shingles(make_alert(str(i), t))) for i, t in enumerate(titles)]
    worst = max(similarity(a, b) for i, a in enumerate(signatures) for b in signatures[i + 1 :])
    assert worst < 0.03


def test_a_signature_of_an_older_format_matches_nothing() -> None:
    current = signature(shingles(make_alert("a", MISSILE)))
    format_2 = ":".join(["2", *current.split(":")[1:3]])  # ``2:size:minhash``, state before 3
    format_1 = current.split(":", 1)[1]  # ``size:...``, state before format 2
    assert similarity(current, current) == 1.0
    assert similarity(current, format_2) == 0.0
    assert similarity(current, format_1) == 0.0


def test_reports_whose_headlines_share_no_word_with_the_other_are_apart() -> None:
    # A site that puts the same lead-in on every page gives unrelated articles one lead.
    banner = "Storms closed schools across the region as crews cleared fallen trees overnight."
    first = make_alert("a", "Mayor unveils budget for parks", lead=banner)
    second = make_alert("b", "Striker signs three-year contract", lead=banner)
    assert similarity(signature(shingles(first)), signature(shingles(second))) == 0.0
    # One headline word found in the other report is enough (the place, the act).
    third = make_alert("c", "Storms close schools", lead=banner)
    assert similarity(signature(shingles(first)), signature(shingles(third))) > 0.5


def test_same_event_from_three_outlets_is_one_incident(engine: IncidentEngine) -> None:
    alerts = [
        make_alert("a", MISSILE, source="A"),
        make_alert("b", MISSILE_2, minutes=40, source="B"),
        make_alert("c", MISSILE_3, minutes=90, source="C"),
    ]
    book = engine.new_book(alerts[0])
    for alert in alerts:
        engine.observe(book, alert)
    assert len(book.incidents) == 1
    incident = book.incidents[0]
    assert [m.article_id for m in incident.members] == ["a", "b", "c"]
    assert incident.outlets == ["A", "B", "C"]


def test_different_event_same_key_opens_a_second_incident(engine: IncidentEngine) -> None:
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE))
    engine.observe(book, make_alert("b", BORDER, minutes=30))
    assert len(book.incidents) == 2


def test_far_apart_in_event_time_is_not_grouped(engine: IncidentEngine) -> None:
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE))
    engine.observe(book, make_alert("b", MISSILE_2, minutes=60 * 72))
    assert len([i for i in book.incidents if i.status == "firing"]) == 1
    assert len(book.incidents) == 2


def test_redelivered_alert_changes_nothing(engine: IncidentEngine) -> None:
    book = engine.new_book(make_alert("a", MISSILE))
    assert engine.observe(book, make_alert("a", MISSILE))
    assert engine.observe(book, make_alert("a", MISSILE)) == []
    assert len(book.incidents[0].members) == 1


def test_group_wait_then_one_firing_notification(engine: IncidentEngine) -> None:
    book = engine.new_book(make_alert("a", MISSILE))
    first = engine.observe(book, make_alert("a", MISSILE, source="A"))
    assert [c.notification for c in first] == [None]
    second = engine.observe(book, make_alert("b", MISSILE_2, minutes=10, source="B"))
    assert [c.notification for c in second] == [None]  # still inside group_wait
    ticked = engine.advance(book, T0 + timedelta(minutes=31))
    assert [c.notification for c in ticked] == ["firing"]
    assert ticked[0].incident.notified_outlets == 2
    assert engine.advance(book, T0 + timedelta(minutes=32)) == []


def test_update_on_level_up_and_category_but_not_on_one_more_outlet(
    engine: IncidentEngine,
) -> None:
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE, level="medium", severity=4.0))
    engine.advance(book, T0 + timedelta(minutes=31))
    same = engine.observe(book, make_alert("b", MISSILE_2, minutes=40, source="B", level="medium"))
    assert [c.notification for c in same] == [None]
    level_up = engine.observe(book, make_alert("c", MISSILE_3, minutes=50, source="C"))
    assert [c.notification for c in level_up] == ["update"]
    new_category = engine.observe(
        book, make_alert("d", MISSILE, minutes=55, source="C", category="assault")
    )
    assert [c.notification for c in new_category] == ["update"]


def test_update_after_n_more_outlets() -> None:
    engine = IncidentEngine(GroupingPolicy(), NotificationPolicy(update_outlets=2))
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE, source="A"))
    engine.advance(book, T0 + timedelta(minutes=31))
    kinds = [
        engine.observe(book, make_alert(n, MISSILE_2, minutes=40 + i, source=n))[0].notification
        for i, n in enumerate(["b", "c"])
    ]
    assert kinds == [None, "update"]


def test_resolved_after_quiet_period_then_dropped_after_retention(
    engine: IncidentEngine,
) -> None:
    policy = engine.notification
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE))
    engine.advance(book, T0 + timedelta(minutes=31))
    resolved = engine.advance(book, T0 + policy.resolve_after + timedelta(minutes=1))
    assert [c.notification for c in resolved] == ["resolved"]
    assert resolved[0].incident.resolved_at == T0 + policy.resolve_after
    end = T0 + policy.resolve_after * 2 + policy.retain_resolved
    assert engine.advance(book, end) == []
    assert book.incidents == []


def test_repeat_interval() -> None:
    policy = NotificationPolicy(repeat_interval=timedelta(hours=2), resolve_after=timedelta(days=1))
    engine = IncidentEngine(GroupingPolicy(), policy)
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE))
    engine.advance(book, T0 + timedelta(minutes=31))
    repeated = engine.advance(book, T0 + timedelta(minutes=31) + timedelta(hours=2))
    assert [c.notification for c in repeated] == ["repeat"]


def test_resolved_without_send_resolved_is_state_only() -> None:
    engine = IncidentEngine(GroupingPolicy(), NotificationPolicy(send_resolved=False))
    book = engine.new_book(make_alert("a", MISSILE))
    engine.observe(book, make_alert("a", MISSILE))
    engine.advance(book, T0 + timedelta(minutes=31))
    changes = engine.advance(book, T0 + timedelta(days=2))
    assert [(c.incident.status, c.notification) for c in changes] == [("resolved", None)]


def test_book_round_trips_through_the_tables(engine: IncidentEngine) -> None:
    index: dict[str, object] = {}
    states: dict[str, object] = {}
    for alert in (make_alert("a", MISSILE), make_alert("b", MISSILE_2, minutes=5, source="B")):
        book = open_book(index, states, engine.key(alert), 0)
        engine.observe(book, alert)
        save_book(book, index, states)
    (incident_id,) = (entry.id for entry in open_book(index, states, "PRK", 0).index.entries)
    # the small record, two member records and the strongest member's evidence
    assert sorted(states) == sorted(f"{incident_id}{part}" for part in ("", "/m0", "/m1", "/s"))
    # a book read back from the tables keeps grouping: a third report joins the same incident
    book = open_book(index, states, "PRK", 0)
    engine.observe(book, make_alert("c", MISSILE_3, minutes=9, source="C"))
    save_book(book, index, states)
    restored = open_book(index, states, "PRK", 0).incidents
    assert [[m.article_id for m in i.members] for i in restored] == [["a", "b", "c"]]


class Recording(dict[str, object]):
    """A table that records which keys were written or deleted."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    def __setitem__(self, key: str, value: object) -> None:
        self.log.append(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.log.append(f"del {key}")
        super().__delitem__(key)


def test_an_alert_writes_its_key_index_and_only_the_incident_it_joined(
    engine: IncidentEngine,
) -> None:
    index, states = Recording(), Recording()
    for alert in (make_alert("a", MISSILE), make_alert("b", BORDER, minutes=20)):
        book = open_book(index, states, "PRK", 0)
        engine.observe(book, alert)
        save_book(book, index, states)
    index.log.clear()
    states.log.clear()
    book = open_book(index, states, "PRK", 0)
    engine.observe(book, make_alert("c", MISSILE_2, minutes=25, source="B"))
    save_book(book, index, states)
    joined = next(i for i in book.incidents if i.article_count == 2)
    assert index.log == ["PRK"]
    # the new member's record and the incident's small record; the evidence stays
    assert states.log == [f"{joined.incident_id}/m1", joined.incident_id]


def test_resolved_incidents_leave_the_tables_after_retention(engine: IncidentEngine) -> None:
    index, states = Recording(), Recording()
    book = open_book(index, states, "PRK", 0)
    engine.observe(book, make_alert("a", MISSILE))
    save_book(book, index, states)
    policy = engine.notification
    for at in (T0 + policy.resolve_after, T0 + policy.resolve_after * 2 + policy.retain_resolved):
        book = open_book(index, states, "PRK", 0)
        engine.advance(book, at)
        save_book(book, index, states)
    assert index == {} and states == {}
    assert index.log[-1] == "del PRK" and states.log[-1].startswith("del ")


def test_capped_members_are_written_and_deleted_one_by_one() -> None:
    engine = IncidentEngine(GroupingPolicy(members_kept=3, signatures_kept=2), NotificationPolicy())
    index, states = Recording(), Recording()
    titles = [MISSILE, MISSILE_2, MISSILE_3, MISSILE, MISSILE_2]
    for n, title in enumerate(titles):
        book = open_book(index, states, "PRK", 0)
        engine.observe(book, make_alert(f"a{n}", title, minutes=n, source=f"S{n}"))
        save_book(book, index, states)
    (incident,) = open_book(index, states, "PRK", 0).incidents
    assert [m.article_id for m in incident.members] == ["a0", "a3", "a4"]
    assert sorted(k.rsplit("/", 1)[-1] for k in states if "/m" in k) == ["m0", "m3", "m4"]
    assert f"del {incident.incident_id}/m1" in states.log


def test_member_list_is_capped_and_counts_stay_exact() -> None:
    engine = IncidentEngine(GroupingPolicy(members_kept=3), NotificationPolicy())
    titles = [MISSILE, MISSILE_2, MISSILE_3, MISSILE, MISSILE_2]
    alerts = [
        make_alert(f"a{n}", title, minutes=n, source=f"S{n}") for n, title in enumerate(titles)
    ]
    book = engine.new_book(alerts[0])
    changes = [change for alert in alerts for change in engine.observe(book, alert)]
    (incident,) = book.incidents
    assert [m.article_id for m in incident.members] == ["a0", "a3", "a4"]
    assert incident.article_count == 5 and incident.members_omitted == 2
    assert incident.outlets == ["S0", "S1", "S2", "S3", "S4"]
    record = incident_record(changes[-1], T0)
    assert (record.article_count, record.members_omitted, len(record.alert_ids)) == (5, 2, 3)
    # a redelivery of a kept member is still recognised
    assert engine.observe(book, alerts[4]) == []


def test_membership_is_independent_of_ticks(engine: IncidentEngine) -> None:
    alerts = [
        make_alert("a", MISSILE),
        make_alert("b", BORDER, minutes=20),
        make_alert("c", MISSILE_2, minutes=45, source="B"),
    ]
    plain, ticked = engine.new_book(alerts[0]), engine.new_book(alerts[0])
    for alert in alerts:
        engine.observe(plain, alert)
        engine.advance(ticked, alert.published_at + timedelta(minutes=5))
        engine.observe(ticked, alert)
    members = [[m.alert_id for m in i.members] for i in plain.incidents]
    assert members == [[m.alert_id for m in i.members] for i in ticked.incidents]


def test_index_rows_are_short_and_read_back_exactly() -> None:
    whole, fraction = T0, T0 + timedelta(microseconds=250)
    index = KeyIndex(key="PRK", entries=[IndexEntry(id="i", first=whole, last=fraction, due=whole)])
    stored = index.model_dump(mode="json", exclude_defaults=True)
    assert stored["entries"][0]["first"] == int(whole.timestamp())  # not an ISO string
    restored = KeyIndex.model_validate(stored).entries[0]
    assert (restored.first, restored.last, restored.due) == (whole, fraction, whole)
    assert not restored.resolved


def test_an_index_row_without_its_record_is_dropped(engine: IncidentEngine) -> None:
    index: dict[str, object] = {}
    states: dict[str, object] = {}
    alert = make_alert("a", MISSILE)
    book = open_book(index, states, "PRK", 0)
    engine.observe(book, alert)
    save_book(book, index, states)
    (incident_id,) = (entry.id for entry in book.index.entries)
    del states[incident_id]  # as if the worker died before this record was written
    book = open_book(index, states, "PRK", 0)
    assert book.index.entries == [] and book.index_changed
    # the redelivered alert opens the incident again, under the same id
    engine.observe(book, alert)
    assert [entry.id for entry in book.index.entries] == [incident_id]


def observed_with_a_lost_write(
    engine: IncidentEngine, alerts: list[EscalationAlert], lost: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The tables after ``alerts``, as a killed worker recovers them when the last step's write
    to one of them (``"index"`` or ``"states"``: two changelog topics) never reached the broker."""
    tables: dict[str, dict[str, object]] = {"index": {}, "states": {}}
    for alert in alerts:
        before = dict(tables[lost])
        book = open_book(tables["index"], tables["states"], "PRK", 0)
        engine.observe(book, alert)
        save_book(book, tables["index"], tables["states"])
    tables[lost].clear()
    tables[lost].update(before)
    return tables["index"], tables["states"]


def test_a_redelivery_after_a_lost_index_write_is_still_recognised(
    engine: IncidentEngine,
) -> None:
    # The index row recovers one step behind its incident's record: the redelivered alert (its
    # offset was not committed) must not join the incident a second time.
    alerts = [
        make_alert(n, title, minutes=m, source=n)
        for n, title, m in (("a", MISSILE, 0), ("b", MISSILE_2, 5), ("c", MISSILE_3, 9))
    ]
    index, states = observed_with_a_lost_write(engine, alerts, "index")
    book = open_book(index, states, "PRK", 0)
    assert engine.observe(book, alerts[-1]) == []
    save_book(book, index, states)
    (incident,) = open_book(index, states, "PRK", 0).incidents
    assert [m.article_id for m in incident.members] == ["a", "b", "c"]
    assert incident.article_count == 3


def test_an_index_row_ahead_of_its_record_follows_the_record(engine: IncidentEngine) -> None:
    # The other order: the redelivered alert is not a member yet, so it joins (once).
    alerts = [make_alert("a", MISSILE), make_alert("b", MISSILE_2, minutes=5, source="B")]
    index, states = observed_with_a_lost_write(engine, alerts, "states")
    book = open_book(index, states, "PRK", 0)
    (entry,) = book.index.entries
    assert entry.last == alerts[0].published_at and book.index_changed
    engine.observe(book, alerts[-1])
    save_book(book, index, states)
    (incident,) = open_book(index, states, "PRK", 0).incidents
    assert [m.article_id for m in incident.members] == ["a", "b"]


def test_a_snapshot_keeps_the_state_it_announced(engine: IncidentEngine) -> None:
    book = engine.new_book(make_alert("a", MISSILE, source="A"))
    engine.observe(book, make_alert("a", MISSILE, source="A"))
    incident = book.incidents[0]
    announced = incident.snapshot()
    before = announced.model_dump()
    engine.observe(book, make_alert("b", MISSILE_2, minutes=30, source="B"))
    assert incident.article_count == 2 and incident.outlets == ["A", "B"]
    assert announced.model_dump() == before


def test_incident_state_nests_only_frozen_models() -> None:
    # snapshot() shares nested models between copies: that is safe only while they are frozen.
    def models_in(annotation: object) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in get_args(annotation) for m in models_in(arg)]

    nested = [m for f in IncidentState.model_fields.values() for m in models_in(f.annotation)]
    assert nested, "the walk found the nested models"
    assert all(model.model_config.get("frozen") for model in nested), nested


class Copying(dict[str, object]):
    """A table that hands out copies of its values, as a RocksDB store does."""

    def get(self, key: str, default: object = None) -> object:
        return copy.deepcopy(super().get(key, default))

    def __getitem__(self, key: str) -> object:
        return copy.deepcopy(super().__getitem__(key))


def replayed(engine: IncidentEngine, index: Table, states: Table, built: Any) -> list[Any]:
    """Every change record of a few alerts, ticks and resolutions, stepped through tables."""
    alerts = [
        make_alert("a", MISSILE, source="A"),
        make_alert("b", BORDER, minutes=20, source="B"),
        make_alert("c", MISSILE_2, minutes=45, source="C"),
        make_alert("d", MISSILE_3, minutes=50, source="D"),
        make_alert("e", BORDER, minutes=90, source="E"),
    ]
    policy = engine.notification
    records: list[Any] = []
    steps: list[tuple[str, Any]] = [("alert", alert) for alert in alerts]
    steps += [("tick", T0 + policy.group_wait * 3), ("tick", T0 + policy.resolve_after * 2)]
    for kind, what in steps:
        book = open_book(index, states, "PRK", 0, built)
        found = engine.observe(book, what) if kind == "alert" else engine.advance(book, what)
        save_book(book, index, states, built)
        records += [incident_record(change, T0).model_dump(mode="json") for change in found]
    return records


def test_kept_incidents_give_the_same_records_as_building_each_from_its_record() -> None:
    engine = IncidentEngine(GroupingPolicy(), NotificationPolicy())
    plain_index, plain_states = Recording(), Recording()
    plain = replayed(engine, plain_index, plain_states, None)
    built = BuiltIncidents()
    index, states = Recording(), Recording()
    assert replayed(engine, index, states, built) == plain
    assert (dict(index), dict(states)) == (dict(plain_index), dict(plain_states))
    assert states.log == plain_states.log, "the same writes, in the same order"
    assert built.hits > 0, "later steps used what earlier ones built"
    # A store that hands out copies never matches a kept incident: same records, no hit.
    copying = BuiltIncidents()
    assert replayed(engine, Copying(), Copying(), copying) == plain
    assert copying.hits == 0


def test_a_step_that_fails_before_saving_leaves_no_changed_incident_kept(
    engine: IncidentEngine,
) -> None:
    built = BuiltIncidents()
    index, states = Recording(), Recording()
    book = open_book(index, states, "PRK", 0, built)
    engine.observe(book, make_alert("a", MISSILE, source="A"))
    save_book(book, index, states, built)
    failing = open_book(index, states, "PRK", 0, built)
    engine.observe(failing, make_alert("b", MISSILE_2, minutes=5, source="B"))
    # ... and the step fails here: nothing is saved.
    (incident,) = open_book(index, states, "PRK", 0, built).incidents
    assert incident.article_count == 1 and incident.outlets == ["A"]
