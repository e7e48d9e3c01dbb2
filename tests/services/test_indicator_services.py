"""Defining and editing outcome indicators, the at-risk tolerance and linked decisions,
called without a request."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import factories
from support import events_of
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import Direction, Frequency, Sector, Unit
from localvision.models import DecisionIndicator, Indicator
from localvision.permissions import policy
from localvision.services import indicators as indicator_services
from localvision.services.indicators import IndicatorDetails


@pytest.fixture
def wirral(session):
    council = factories.organisation("Wirral Council", Sector.LOCAL_AUTHORITY)
    food_bank = factories.organisation("Birkenhead Food Bank", Sector.VOLUNTARY_AND_COMMUNITY)
    nhs = factories.organisation("Wirral Community Health NHS Trust", Sector.NHS)
    people = {"lead": factories.user(council), "volunteer": factories.user(food_bank), "nurse": factories.user(nhs),
              "outsider": factories.user(factories.organisation("Kent County Council"))}
    project = factories.project(lead=people["lead"], partners=(food_bank, nhs),
                                members=(people["volunteer"], people["nurse"]))
    session.commit()
    return {"project": project, "food_bank": food_bank, "council": council, **people}


def context(wirral, who: str) -> policy.ProjectContext:
    return policy.context_for(wirral[who], wirral["project"])


def parcels(owner_id: int, **changes) -> IndicatorDetails:
    details = IndicatorDetails(
        name="Food bank  parcels in Birkenhead ", description=" Parcels given out each month ", unit=Unit.COUNT,
        decimal_places=0, direction=Direction.LOWER_IS_BETTER, baseline_value=Decimal(9000),
        baseline_date=date(2013, 1, 1), target_value=Decimal(8000), target_date=date(2014, 1, 1),
        source="Birkenhead Food Bank records", frequency=Frequency.MONTHLY, owner_organisation_id=owner_id,
    )
    return replace(details, **changes)


def test_a_member_defines_an_indicator_for_their_own_organisation(session, wirral):
    indicator = indicator_services.define_indicator(context(wirral, "volunteer"), parcels(wirral["food_bank"].id))
    assert (indicator.name, indicator.description) == ("Food bank parcels in Birkenhead", "Parcels given out each month")
    assert indicator.owner_organisation_id == wirral["food_bank"].id and indicator.target_value == Decimal(8000)
    [event] = events_of(session, "indicator.created")
    assert event.action == "created" and event.after["baseline_value"] == "9000.0000"
    assert event.payload == {"indicator_id": indicator.id, "organisation_id": wirral["food_bank"].id}


def test_only_leads_define_indicators_for_another_organisation(session, wirral):
    with pytest.raises(NotPermitted):
        indicator_services.define_indicator(context(wirral, "volunteer"), parcels(wirral["council"].id))
    with pytest.raises(NotPermitted):
        indicator_services.define_indicator(context(wirral, "outsider"), parcels(wirral["outsider"].organisation_id))
    indicator = indicator_services.define_indicator(context(wirral, "lead"), parcels(wirral["food_bank"].id))
    assert indicator.owner_organisation_id == wirral["food_bank"].id


def test_an_indicator_belongs_to_a_partner_and_its_name_is_unique_whatever_the_case(session, wirral):
    with pytest.raises(Refused) as not_partner:
        indicator_services.define_indicator(context(wirral, "lead"), parcels(wirral["outsider"].organisation_id))
    assert not_partner.value.field == "owner_organisation_id"
    indicator_services.define_indicator(context(wirral, "lead"), parcels(wirral["food_bank"].id))
    with pytest.raises(Refused, match="already has an indicator called food bank parcels in birkenhead") as taken:
        indicator_services.define_indicator(context(wirral, "volunteer"),
                                            parcels(wirral["food_bank"].id, name="food bank parcels in  birkenhead"))
    assert taken.value.field == "name"
    assert session.scalar(select(func.count()).select_from(Indicator)) == 1


def test_editing_records_only_what_changed_and_only_leads_and_owners_may(session, wirral):
    indicator = indicator_services.define_indicator(context(wirral, "volunteer"), parcels(wirral["food_bank"].id))
    with pytest.raises(NotPermitted):
        indicator_services.edit_indicator(context(wirral, "nurse"), indicator,
                                          parcels(wirral["food_bank"].id, target_value=Decimal(7000)))
    indicator_services.edit_indicator(context(wirral, "volunteer"), indicator,
                                      parcels(wirral["food_bank"].id, target_value=Decimal(7000)))
    [event] = events_of(session, "indicator.updated")
    assert (event.before, event.after) == ({"target_value": "8000.0000"}, {"target_value": "7000.0000"})
    assert event.payload == {"indicator_id": indicator.id, "organisation_id": wirral["food_bank"].id}
    indicator_services.edit_indicator(context(wirral, "lead"), indicator,
                                      parcels(wirral["food_bank"].id, target_value=Decimal(7000)))
    assert len(events_of(session, "indicator.updated")) == 1  # nothing changed, nothing recorded


def test_an_owner_that_left_the_partnership_stays_until_someone_changes_it(session, wirral):
    indicator = indicator_services.define_indicator(context(wirral, "lead"), parcels(wirral["food_bank"].id))
    wirral["project"].partners.remove(next(p for p in wirral["project"].partners
                                           if p.organisation_id == wirral["food_bank"].id))
    session.commit()
    indicator_services.edit_indicator(context(wirral, "lead"), indicator,
                                      parcels(wirral["food_bank"].id, source="Trussell Trust"))
    assert indicator.source == "Trussell Trust" and indicator.owner_organisation_id == wirral["food_bank"].id


def test_leads_set_the_tolerance_for_at_risk(session, wirral):
    project = wirral["project"]
    with pytest.raises(NotPermitted):
        indicator_services.set_indicator_tolerance(context(wirral, "volunteer"), 20)
    with pytest.raises(Refused, match="from 0 to 100"):
        indicator_services.set_indicator_tolerance(context(wirral, "lead"), 101)
    before = project.indicator_tolerance_percent
    indicator_services.set_indicator_tolerance(context(wirral, "lead"), 20)
    assert project.indicator_tolerance_percent == 20
    [event] = events_of(session, "indicator.tolerance_set")
    assert event.action == "updated" and event.object_type == "Project"
    assert (event.before, event.after) == ({"indicator_tolerance_percent": before}, {"indicator_tolerance_percent": 20})
    indicator_services.set_indicator_tolerance(context(wirral, "lead"), 20)
    assert len(events_of(session, "indicator.tolerance_set")) == 1


def test_linking_and_unlinking_decisions_records_each_change(session, wirral):
    indicator = factories.indicator(wirral["project"], owner=wirral["food_bank"], name="Food bank parcels")
    pantry = factories.decision(wirral["project"], wirral["volunteer"], title="Community pantry")
    cafe = factories.decision(wirral["project"], wirral["lead"], title="Community cafe")
    session.commit()
    indicator_services.link_decisions(context(wirral, "volunteer"), indicator, {pantry.id, cafe.id})
    linked = events_of(session, "indicator.linked")
    assert [event.object_label for event in linked] == ["Community pantry (open for positions) aims to move Food bank parcels",
                                                        "Community cafe (open for positions) aims to move Food bank parcels"]
    assert linked[0].payload == {"indicator_id": indicator.id, "organisation_id": wirral["food_bank"].id,
                                 "decision_id": pantry.id}

    indicator_services.link_decisions(context(wirral, "lead"), indicator, {cafe.id})
    [unlinked] = events_of(session, "indicator.unlinked")
    assert unlinked.object_label == "Community pantry no longer linked to Food bank parcels"
    assert unlinked.payload["decision_id"] == pantry.id
    assert session.scalars(select(DecisionIndicator.decision_id)).all() == [cafe.id]


def test_only_leads_and_owners_link_and_only_the_projects_decisions(session, wirral):
    indicator = factories.indicator(wirral["project"], owner=wirral["food_bank"])
    pantry = factories.decision(wirral["project"], wirral["volunteer"])
    elsewhere = factories.project(lead=wirral["outsider"])
    foreign = factories.decision(elsewhere, wirral["outsider"])
    session.commit()
    with pytest.raises(NotPermitted):
        indicator_services.link_decisions(context(wirral, "nurse"), indicator, {pantry.id})
    with pytest.raises(Refused) as refusal:
        indicator_services.link_decisions(context(wirral, "lead"), indicator, {pantry.id, foreign.id})
    assert refusal.value.field == "decision_ids"
    assert session.scalar(select(func.count()).select_from(DecisionIndicator)) == 0
