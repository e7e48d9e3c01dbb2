from datetime import datetime, timedelta, timezone

from localvision.domain.vision import (
    RecordedPosition,
    Run,
    agreed_since,
    agreement,
    awaiting_new_partners,
    word_diff,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
COUNCIL, NHS, POLICE, CHARITY = 1, 2, 3, 4


def at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def endorse(org: int, hours: int) -> RecordedPosition:
    return RecordedPosition(org, endorses=True, recorded_at=at(hours))


def object_(org: int, hours: int) -> RecordedPosition:
    return RecordedPosition(org, endorses=False, recorded_at=at(hours))


def test_word_diff_marks_removed_and_inserted_words():
    runs = word_diff("Fewer people drinking on the street", "Fewer people drinking on our streets at night")
    assert runs == [
        Run("equal", "Fewer people drinking on "),
        Run("removed", "the street"),
        Run("inserted", "our streets at night"),
    ]


def test_word_diff_keeps_line_breaks_and_rebuilds_the_new_text():
    old = "## Aim\n\nSafer nights.\n\n- fewer A&E visits"
    new = "## Aim\n\nSafer nights for everyone.\n\n- fewer A&E visits\n- cleaner streets"
    runs = word_diff(old, new)
    assert "".join(run.text for run in runs if run.kind != "removed") == new
    assert "".join(run.text for run in runs if run.kind != "inserted").split() == old.split()
    assert any(run.kind == "inserted" and "- cleaner streets" in run.text for run in runs)
    assert Run("equal", "## Aim\n\nSafer ") in runs


def test_spacing_alone_is_not_a_change_of_wording():
    assert word_diff("Safer nights.", "Safer nights. Together.") == [
        Run("equal", "Safer nights. "), Run("inserted", "Together.")]


def test_identical_texts_have_no_changes():
    assert word_diff("Same words", "Same words") == [Run("equal", "Same words")]


def test_agreed_when_every_partner_endorses_and_none_objects():
    history = [endorse(COUNCIL, 1), endorse(NHS, 2), endorse(POLICE, 3)]
    assert agreement({COUNCIL, NHS, POLICE}, history).agreed
    assert agreed_since({COUNCIL, NHS, POLICE}, history) == at(3)


def test_not_agreed_while_a_partner_has_not_responded():
    state = agreement({COUNCIL, NHS, POLICE}, [endorse(COUNCIL, 1), endorse(NHS, 2)])
    assert not state.agreed
    assert state.not_responded == {POLICE}
    assert agreed_since({COUNCIL, NHS, POLICE}, [endorse(COUNCIL, 1), endorse(NHS, 2)]) is None


def test_an_objection_stops_agreement_and_withdrawing_it_restores_it():
    history = [endorse(COUNCIL, 1), object_(NHS, 2)]
    state = agreement({COUNCIL, NHS}, history)
    assert not state.agreed and state.objecting == {NHS}
    history.append(endorse(NHS, 5))
    assert agreement({COUNCIL, NHS}, history).agreed
    assert agreed_since({COUNCIL, NHS}, history) == at(5)


def test_agreement_lost_by_a_later_objection_is_dated_from_its_return():
    history = [endorse(COUNCIL, 1), endorse(NHS, 2), object_(COUNCIL, 3), endorse(COUNCIL, 4)]
    assert agreed_since({COUNCIL, NHS}, history) == at(4)


def test_positions_of_former_partners_do_not_count():
    state = agreement({COUNCIL, NHS}, [endorse(COUNCIL, 1), endorse(NHS, 2), object_(CHARITY, 3)])
    assert state.agreed and state.objecting == frozenset()


def test_nothing_is_agreed_without_partners():
    assert not agreement(set(), []).agreed


def test_a_new_partner_makes_an_agreed_vision_need_its_endorsement():
    history = [endorse(COUNCIL, 1), endorse(NHS, 2)]
    joined = {COUNCIL: at(0), NHS: at(0), CHARITY: at(10)}
    waiting = awaiting_new_partners(joined, history)
    assert waiting is not None
    assert waiting.agreed_at == at(2) and waiting.newcomers == {CHARITY}
    assert awaiting_new_partners(joined, history + [endorse(CHARITY, 11)]) is None


def test_a_partner_that_was_there_before_agreement_is_not_a_newcomer():
    history = [endorse(COUNCIL, 1), endorse(NHS, 2)]
    assert awaiting_new_partners({COUNCIL: at(0), NHS: at(0), POLICE: at(0)}, history) is None


def test_an_objection_is_not_described_as_waiting_for_newcomers():
    history = [endorse(COUNCIL, 1), object_(NHS, 2)]
    assert awaiting_new_partners({COUNCIL: at(0), NHS: at(0), CHARITY: at(10)}, history) is None
