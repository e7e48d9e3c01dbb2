from datetime import date
from decimal import Decimal

import pytest

from localvision.domain.progress import (
    Goal,
    Point,
    Status,
    TargetOutcome,
    change_since_baseline,
    latest,
    progress,
    share_of_way,
    status,
    trajectory_value,
)
from localvision.domain.vocabulary import Frequency

D = Decimal


def test_birkenhead_food_bank_use_rising_is_a_44_percent_change_for_the_worse():
    change = change_since_baseline(D(9000), D(13000), higher_is_better=False)
    assert change.absolute == D(4000)
    assert change.percent.quantize(D("0.1")) == D("44.4")
    assert change.improved is False


def test_birkenhead_is_off_track_and_moving_away_from_its_target():
    goal = Goal(higher_is_better=False, baseline=Point(date(2013, 1, 1), D(9000)), target=Point(date(2014, 1, 1), D(8000)))
    result = progress(goal, [Point(date(2013, 3, 1), D(10500)), Point(date(2013, 5, 1), D(13000))], 10)
    assert result.latest == Point(date(2013, 5, 1), D(13000))
    # 13,000 against a gap of 1,000 below the baseline: four gaps the wrong way.
    assert result.share_of_way == D(-4)
    assert result.target_reached is False
    # 120 of 365 days along the line from 9,000 to 8,000.
    assert result.expected.quantize(D("0.01")) == D("8671.23")
    assert result.status == Status.OFF_TRACK


def test_physiotherapy_waiting_time_falling_by_32_percent_is_on_track():
    goal = Goal(higher_is_better=False, baseline=Point(date(2015, 1, 1), D(50)), target=Point(date(2016, 1, 1), D(30)))
    result = progress(goal, [Point(date(2015, 7, 2), D(34))], 10)
    assert result.change.absolute == D(-16)
    assert result.change.percent == D(-32)
    assert result.change.improved is True
    assert result.share_of_way == D("0.8")
    # Half a year in (182 of 365 days) the line expects about 40 days; 34 is better.
    assert result.expected.quantize(D("0.01")) == D("40.03")
    assert result.status == Status.ON_TRACK
    assert result.target_reached is False


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [(D(150), Status.ON_TRACK), (D(141), Status.AT_RISK), (D(140), Status.AT_RISK), (D("139.99"), Status.OFF_TRACK)],
)
def test_higher_is_better_status_against_the_tolerance(value, expected_status):
    # Halfway from 100 to 200 the line expects 150; 10% of the gap of 100 is 10.
    goal = Goal(higher_is_better=True, baseline=Point(date(2024, 1, 1), D(100)), target=Point(date(2024, 1, 31), D(200)))
    found, expected = status(goal, Point(date(2024, 1, 16), value), 10)
    assert expected == D(150)
    assert found == expected_status


@pytest.mark.parametrize(
    ("value", "expected_status"), [(D(50), Status.ON_TRACK), (D(55), Status.AT_RISK), (D(56), Status.OFF_TRACK)]
)
def test_lower_is_better_status_against_a_wider_tolerance(value, expected_status):
    # Halfway from 60 to 40 the line expects 50; 25% of the gap of 20 is 5.
    goal = Goal(higher_is_better=False, baseline=Point(date(2024, 1, 1), D(60)), target=Point(date(2024, 1, 31), D(40)))
    assert status(goal, Point(date(2024, 1, 16), value), 25)[0] == expected_status


def test_target_reached_and_overshot():
    goal = Goal(higher_is_better=True, baseline=Point(date(2024, 1, 1), D(100)), target=Point(date(2025, 1, 1), D(200)))
    reached = progress(goal, [Point(date(2024, 6, 1), D(200))], 10)
    assert reached.target_reached and reached.share_of_way == D(1) and reached.status == Status.ON_TRACK
    overshot = progress(goal, [Point(date(2024, 6, 1), D(250))], 10)
    assert overshot.target_reached and overshot.share_of_way == D("1.5")
    assert overshot.change.percent == D(150)


def test_after_the_target_date_the_target_itself_is_expected():
    goal = Goal(higher_is_better=False, baseline=Point(date(2024, 1, 1), D(60)), target=Point(date(2024, 12, 31), D(40)))
    assert status(goal, Point(date(2026, 1, 1), D(41)), 10) == (Status.AT_RISK, D(40))
    assert trajectory_value(goal.baseline, goal.target, date(2023, 6, 1)) == D(60)


def test_missing_baseline_still_gives_the_latest_value_but_no_status():
    goal = Goal(higher_is_better=True, baseline=None, target=Point(date(2025, 1, 1), D(80)))
    result = progress(goal, [Point(date(2024, 1, 1), D(70)), Point(date(2024, 2, 1), D(81))], 10)
    assert result.latest.value == D(81)
    assert result.change is None and result.share_of_way is None
    assert result.target_reached is True
    assert result.status == Status.NO_DATA


def test_missing_target_gives_change_since_baseline_but_no_status():
    goal = Goal(higher_is_better=True, baseline=Point(date(2024, 1, 1), D(0)), target=None)
    result = progress(goal, [Point(date(2024, 2, 1), D(12))], 10)
    assert result.change.absolute == D(12)
    assert result.change.percent is None  # no percentage change from zero
    assert result.status == Status.NO_DATA and result.target_reached is False


def test_no_measurements_is_no_data():
    goal = Goal(higher_is_better=True, baseline=Point(date(2024, 1, 1), D(1)), target=Point(date(2025, 1, 1), D(2)))
    result = progress(goal, [], 10)
    assert result.latest is None and result.change is None
    assert result.status == Status.NO_DATA


def test_one_measurement_on_the_baseline_date_is_on_track():
    goal = Goal(higher_is_better=True, baseline=Point(date(2024, 1, 1), D(10)), target=Point(date(2025, 1, 1), D(20)))
    result = progress(goal, [Point(date(2024, 1, 1), D(10))], 10)
    assert result.share_of_way == D(0) and result.change.improved is False
    assert result.status == Status.ON_TRACK


def test_latest_is_by_period_not_by_order_given():
    points = [Point(date(2024, 3, 1), D(3)), Point(date(2024, 5, 1), D(5)), Point(date(2024, 4, 1), D(4))]
    assert latest(points).value == D(5)


def test_a_target_equal_to_the_baseline_means_holding_the_line():
    assert share_of_way(D(5), D(5), D(6)) is None
    goal = Goal(higher_is_better=False, baseline=Point(date(2024, 1, 1), D(5)), target=Point(date(2025, 1, 1), D(5)))
    assert status(goal, Point(date(2024, 6, 1), D(5)), 10)[0] == Status.ON_TRACK
    assert status(goal, Point(date(2024, 6, 1), D("5.1")), 10)[0] == Status.OFF_TRACK


# Food parcels, lower is better: 9,000 a month at the start of 2025, 8,000 wanted by the end of 2025.
PARCELS = Goal(higher_is_better=False, baseline=Point(date(2025, 1, 1), D(9000)), target=Point(date(2025, 12, 31), D(8000)))


@pytest.mark.parametrize(("frequency", "today", "expected"), [
    # The June figure on 1 August is one period late, as figures usually are: still on track.
    (Frequency.MONTHLY, date(2025, 8, 1), Status.ON_TRACK),
    # 62 days is the allowance for a monthly figure; the 63rd day has no recent data.
    (Frequency.MONTHLY, date(2025, 8, 2), Status.ON_TRACK),
    (Frequency.MONTHLY, date(2025, 8, 3), Status.NO_RECENT_DATA),
    (Frequency.QUARTERLY, date(2025, 12, 1), Status.ON_TRACK),  # 183 days after 1 June
    (Frequency.QUARTERLY, date(2025, 12, 2), Status.NO_RECENT_DATA),
    (Frequency.ANNUAL, date(2026, 6, 1), Status.ON_TRACK),
    (None, date(2030, 1, 1), Status.ON_TRACK),  # no frequency given: judged on the figures alone
])
def test_a_figure_older_than_its_frequency_allows_gives_no_status(frequency, today, expected):
    # 1 June 2025 is 151 days in: the line expects 9,000 − 1,000 × 151/364 = 8,585.16; 8,400 is better.
    result = progress(PARCELS, [Point(date(2025, 6, 1), D(8400))], 10, frequency, today)
    assert result.status == expected
    assert result.latest == Point(date(2025, 6, 1), D(8400))  # the old figure itself is still shown
    assert (result.expected is None) == (expected == Status.NO_RECENT_DATA)


def test_until_the_target_date_passes_there_is_no_verdict():
    result = progress(PARCELS, [Point(date(2025, 12, 1), D(7900))], 10, Frequency.MONTHLY, date(2025, 12, 31))
    assert result.target_outcome is None and result.target_reached is True


@pytest.mark.parametrize(("points", "outcome"), [
    # December's 7,950 is under 8,000: met, whatever happened after the target date.
    ([(date(2025, 11, 1), 8100), (date(2025, 12, 1), 7950), (date(2026, 1, 1), 8300)], TargetOutcome.MET),
    # Exactly on the target counts as meeting it.
    ([(date(2025, 12, 31), 8000)], TargetOutcome.MET),
    # 8,050 in December is above 8,000; January's 7,900 came too late.
    ([(date(2025, 12, 1), 8050), (date(2026, 1, 1), 7900)], TargetOutcome.MISSED),
    # Only figures after the target date: nobody can say.
    ([(date(2026, 2, 1), 7000)], TargetOutcome.NOT_KNOWN),
    ([], TargetOutcome.NOT_KNOWN),
])
def test_a_target_whose_date_has_passed_was_met_or_missed(points, outcome):
    result = progress(PARCELS, [Point(day, D(value)) for day, value in points], 10, Frequency.MONTHLY, date(2026, 3, 1))
    assert result.target_outcome == outcome
