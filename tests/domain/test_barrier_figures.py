"""Barrier figures worked by hand with a calendar (all dates in 2026)."""
from datetime import date

from localvision.domain.barriers import BarrierDates, age_band, barrier_figures, median_days
from localvision.domain.vocabulary import Sector

TODAY = date(2026, 6, 30)
COUNCIL, TRUST, CHARITY = "Merton Council", "St George's Trust", "Merton Voluntary Service Council"
LA, NHS, VCS = Sector.LOCAL_AUTHORITY, Sector.NHS, Sector.VOLUNTARY_AND_COMMUNITY


def barrier(raised, answered=None, removed=None, *, open_=True, owner=None, sector=None):
    return BarrierDates(raised, answered, removed, open_, owner, sector)


# Six barriers:
#   A council: raised 1 June, answered 3 June (2 days), removed 11 June (10 days)
#   B council: raised 1 June, answered 8 June (7 days), still open
#   C trust:   raised 10 June, answered 14 June (4 days), won't remove (closed, not removed)
#   D trust:   raised 20 June, answered 21 June (1 day), removed 25 June (5 days)
#   E charity: raised 1 April, never answered, open (90 days old)
#   F nobody:  raised 25 June, never answered, open (5 days old)
BARRIERS = [
    barrier(date(2026, 6, 1), date(2026, 6, 3), date(2026, 6, 11), open_=False, owner=COUNCIL, sector=LA),
    barrier(date(2026, 6, 1), date(2026, 6, 8), owner=COUNCIL, sector=LA),
    barrier(date(2026, 6, 10), date(2026, 6, 14), open_=False, owner=TRUST, sector=NHS),
    barrier(date(2026, 6, 20), date(2026, 6, 21), date(2026, 6, 25), open_=False, owner=TRUST, sector=NHS),
    barrier(date(2026, 4, 1), owner=CHARITY, sector=VCS),
    barrier(date(2026, 6, 25)),
]


def test_overall_medians():
    overall = barrier_figures(BARRIERS, TODAY).overall
    # Answered in 2, 7, 4, 1 days: sorted 1, 2, 4, 7, median (2 + 4) / 2 = 3.
    assert (overall.raised, overall.answered, overall.median_days_to_answer) == (6, 4, 3.0)
    # Removed in 10 and 5 days: median 7.5. Open: B, E, F.
    assert (overall.removed, overall.median_days_to_removal, overall.still_open) == (2, 7.5, 3)


def test_by_owner_organisation_with_the_unassigned_last():
    rows = {row.name: row for row in barrier_figures(BARRIERS, TODAY).by_owner}
    assert list(rows) == [COUNCIL, CHARITY, TRUST, "Not assigned yet"]
    council = rows[COUNCIL]  # answered in 2 and 7 days: 4.5; removed in 10
    assert (council.raised, council.answered, council.median_days_to_answer) == (2, 2, 4.5)
    assert (council.removed, council.median_days_to_removal, council.still_open) == (1, 10.0, 1)
    trust = rows[TRUST]  # answered in 4 and 1 days: 2.5; removed in 5
    assert (trust.median_days_to_answer, trust.median_days_to_removal, trust.still_open) == (2.5, 5.0, 0)
    charity = rows[CHARITY]  # nothing answered: no median rather than zero
    assert (charity.answered, charity.median_days_to_answer, charity.still_open) == (0, None, 1)
    assert rows["Not assigned yet"].raised == 1


def test_by_sector_in_the_vocabulary_order_without_the_unassigned():
    rows = barrier_figures(BARRIERS, TODAY).by_sector
    assert [row.name for row in rows] == ["NHS / health care", "Local authority", "Voluntary and community sector"]
    assert sum(row.raised for row in rows) == 5  # F has no owner, so no sector


def test_open_barriers_by_age():
    # B: 29 days (1 June to 30 June), E: 90 days, F: 5 days.
    assert barrier_figures(BARRIERS, TODAY).open_by_age == [
        ("Under 2 weeks", 1), ("2 to 4 weeks", 0), ("4 to 12 weeks", 1), ("12 weeks or more", 1)]


def test_band_edges():
    assert [age_band(days) for days in (0, 13, 14, 27, 28, 83, 84, -1)] == [
        "Under 2 weeks", "Under 2 weeks", "2 to 4 weeks", "2 to 4 weeks", "4 to 12 weeks", "4 to 12 weeks",
        "12 weeks or more", "Under 2 weeks"]


def test_no_barriers_no_medians():
    figures = barrier_figures([], TODAY)
    assert (figures.overall.raised, figures.overall.median_days_to_answer, figures.by_owner) == (0, None, [])
    assert median_days([3]) == 3.0
