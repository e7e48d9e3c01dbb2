"""What the calendar brings, worked by hand on the wall calendar in England."""
from datetime import date, datetime, timezone

from localvision.domain.digests import due_period
from localvision.domain.reminders import (
    OpenAction,
    OpenDecision,
    OwnedIndicator,
    action_occasion,
    closing_reminder,
    lead_reminder,
    local_date,
    overdue_for_leads,
    ready_to_close,
    review_due,
    stale_indicator,
)
from localvision.domain.vocabulary import DigestFrequency, Frequency, NotificationKind

# Closes on Friday 20 March 2026; opened a fortnight before. Partners 1, 2, 3; 2 responded.
DECISION = OpenDecision(id=7, opens_on=date(2026, 3, 6), closes_on=date(2026, 3, 20),
                        counted=frozenset({1, 2, 3}), responded=frozenset({2}))


def reminder_on(day, decision=DECISION, lead_days=3):
    return closing_reminder(decision, date(2026, 3, day), lead_days)


def test_the_lead_time_reminder_goes_to_the_silent_organisations_three_days_before():
    assert reminder_on(16) is None  # four days before
    reminder = reminder_on(17)
    assert reminder.kind is NotificationKind.DECISION_REMINDER
    assert reminder.organisation_ids == {1, 3}
    assert reminder.key == "decision.reminder:Decision:7:2026-03-20:lead-time"


def test_a_missed_day_is_caught_up_under_the_same_key_so_it_is_sent_once():
    assert reminder_on(18).key == reminder_on(17).key


def test_the_day_before_reminder_has_its_own_key():
    reminder = reminder_on(19)
    assert reminder.kind is NotificationKind.DECISION_REMINDER
    assert reminder.key == "decision.reminder:Decision:7:2026-03-20:day-before"
    assert reminder_on(20) is None  # the closing day is the lead's, not a reminder


def test_the_leads_own_reminder_is_keyed_by_the_day_so_it_goes_once_a_day():
    reminder = lead_reminder(DECISION, date(2026, 3, 10))
    assert reminder.organisation_ids == {1, 3}
    assert reminder.key == "decision.reminder:Decision:7:manual:2026-03-10"
    everyone = OpenDecision(7, date(2026, 3, 6), date(2026, 3, 20), frozenset({1, 2}), frozenset({1, 2}))
    assert lead_reminder(everyone, date(2026, 3, 10)) is None


def test_the_projects_lead_time_is_used():
    assert reminder_on(13, lead_days=7).key == "decision.reminder:Decision:7:2026-03-20:lead-time"
    assert reminder_on(12, lead_days=7) is None
    assert reminder_on(17, lead_days=1) is None  # a day's lead time is the day-before reminder alone


def test_nobody_is_reminded_when_every_organisation_has_responded():
    everyone = OpenDecision(7, date(2026, 3, 6), date(2026, 3, 20), frozenset({1, 2}), frozenset({1, 2}))
    assert reminder_on(17, everyone) is None and reminder_on(19, everyone) is None


def test_a_decision_opened_inside_the_lead_time_is_reminded_only_the_day_before():
    late = OpenDecision(8, date(2026, 3, 18), date(2026, 3, 20), frozenset({1}), frozenset())
    assert reminder_on(18, late) is None
    assert reminder_on(19, late).kind is NotificationKind.DECISION_REMINDER


def test_a_moved_closing_date_is_a_new_occasion():
    moved = OpenDecision(7, date(2026, 3, 6), date(2026, 3, 27), DECISION.counted, DECISION.responded)
    assert reminder_on(24, moved).key == "decision.reminder:Decision:7:2026-03-27:lead-time"


def test_the_closing_day_tells_the_lead_once_per_closing_date():
    assert ready_to_close(7, date(2026, 3, 20), date(2026, 3, 19)) is None
    assert ready_to_close(7, date(2026, 3, 20), date(2026, 3, 20)).key == "decision.ready_to_close:Decision:7:2026-03-20"
    assert ready_to_close(7, date(2026, 3, 20), date(2026, 3, 23)).key == "decision.ready_to_close:Decision:7:2026-03-20"


def test_the_review_date_arriving():
    assert review_due(4, None, date(2026, 3, 20)) is None
    assert review_due(4, date(2026, 3, 21), date(2026, 3, 20)) is None
    assert review_due(4, date(2026, 3, 20), date(2026, 3, 20)).key == "decision.review_due:Decision:4:2026-03-20"


def test_actions_due_tomorrow_and_overdue_go_to_their_owner():
    action = OpenAction(id=5, owner_id=42, due_on=date(2026, 3, 20))
    assert action_occasion(action, date(2026, 3, 18)) is None
    tomorrow = action_occasion(action, date(2026, 3, 19))
    assert (tomorrow.kind, tomorrow.person_id, tomorrow.key) == (
        NotificationKind.ACTION_DUE_TOMORROW, 42, "action.due_tomorrow:Action:5:2026-03-20")
    assert action_occasion(action, date(2026, 3, 20)) is None  # due today is not overdue yet
    overdue = action_occasion(action, date(2026, 3, 21))
    assert (overdue.kind, overdue.key) == (NotificationKind.ACTION_OVERDUE, "action.overdue:Action:5:2026-03-20")
    assert action_occasion(action, date(2026, 3, 28)).key == overdue.key


def test_leads_hear_of_overdue_actions_once_a_week():
    actions = [OpenAction(5, 42, date(2026, 3, 20)), OpenAction(6, 43, date(2026, 4, 1))]
    assert overdue_for_leads(9, actions, date(2026, 3, 20)) is None
    # Saturday 21 March and Sunday 22 March are ISO week 12; Monday 23 March starts week 13.
    assert overdue_for_leads(9, actions, date(2026, 3, 21)).key == "action.overdue:Project:9:2026-W12"
    assert overdue_for_leads(9, actions, date(2026, 3, 22)).key == "action.overdue:Project:9:2026-W12"
    assert overdue_for_leads(9, actions, date(2026, 3, 23)).key == "action.overdue:Project:9:2026-W13"


def test_an_indicator_is_stale_when_two_periods_pass_without_a_figure():
    monthly = OwnedIndicator(3, owner_organisation_id=11, frequency=Frequency.MONTHLY,
                             latest_period=date(2026, 1, 1), since=date(2025, 1, 1))
    assert stale_indicator(monthly, date(2026, 3, 4)) is None  # 62 days later
    stale = stale_indicator(monthly, date(2026, 3, 5))  # 63 days
    assert stale.organisation_ids == {11} and stale.key == "indicator.stale:Indicator:3:2026-01-01"
    never = OwnedIndicator(4, 11, Frequency.QUARTERLY, latest_period=None, since=date(2025, 6, 1))
    assert stale_indicator(never, date(2025, 12, 1)) is None  # 183 days
    assert stale_indicator(never, date(2025, 12, 2)).key == "indicator.stale:Indicator:4:2025-06-01"


def test_local_dates_follow_the_clock_in_england():
    # 23:30 UTC on 29 June is 00:30 on 30 June in British Summer Time.
    assert local_date(datetime(2026, 6, 29, 23, 30, tzinfo=timezone.utc)) == date(2026, 6, 30)
    assert local_date(datetime(2026, 12, 29, 23, 30, tzinfo=timezone.utc)) == date(2026, 12, 29)


def test_a_daily_digest_is_due_from_seven_in_the_morning_and_covers_the_day_before():
    # 06:30 UTC in June is 07:30 in London: Tuesday's digest, covering Monday.
    period = due_period(DigestFrequency.DAILY, datetime(2026, 6, 30, 6, 30, tzinfo=timezone.utc))
    assert period.key == "daily:2026-06-30"
    assert (period.first_day, period.last_day) == (date(2026, 6, 29), date(2026, 6, 29))
    assert period.starts_at == datetime(2026, 6, 28, 23, 0, tzinfo=timezone.utc)
    assert period.ends_at == datetime(2026, 6, 29, 23, 0, tzinfo=timezone.utc)
    # 05:30 UTC is 06:30 in London: still Monday's digest.
    assert due_period(DigestFrequency.DAILY, datetime(2026, 6, 30, 5, 30, tzinfo=timezone.utc)).key == "daily:2026-06-29"


def test_a_weekly_digest_is_due_on_monday_morning_and_covers_the_week_before():
    # Monday 30 November 2026, 07:00 GMT.
    period = due_period(DigestFrequency.WEEKLY, datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc))
    assert period.key == "weekly:2026-W49"
    assert (period.first_day, period.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    before_seven = due_period(DigestFrequency.WEEKLY, datetime(2026, 11, 30, 6, 59, tzinfo=timezone.utc))
    assert before_seven.key == "weekly:2026-W48"
    wednesday = due_period(DigestFrequency.WEEKLY, datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc))
    assert wednesday.key == "weekly:2026-W49"
