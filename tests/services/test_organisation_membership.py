"""Who belongs to an organisation: domains, emailed confirmation, administrators' approval."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import Sector
from localvision.models import OrganisationDomain
from localvision.services import organisations
from support import last_event, link_mailed_to


def test_platform_administrators_record_each_domain_once(session):
    admin = factories.user(is_admin=True)
    merton, kent = factories.organisation("London Borough of Merton"), factories.organisation("Kent County Council")
    record = organisations.add_domain(admin, merton, "  @Merton.GOV.uk. ")
    assert record.domain == "merton.gov.uk"
    assert last_event(session).payload == {"organisation_id": merton.id, "domain_id": record.id}
    with pytest.raises(Refused, match="already a domain of London Borough of Merton"):
        organisations.add_domain(admin, kent, "merton.gov.uk")
    with pytest.raises(Refused, match="Enter a domain"):
        organisations.add_domain(admin, kent, "not a domain")
    with pytest.raises(NotPermitted):
        organisations.add_domain(factories.user(kent, organisation_admin=True), kent, "kent.gov.uk")
    organisations.remove_domain(admin, record)
    assert session.scalar(select(OrganisationDomain)) is None


def test_a_person_proves_an_address_at_a_domain_by_the_emailed_link(session):
    merton = factories.organisation("London Borough of Merton")
    session.add(OrganisationDomain(organisation=merton, domain="merton.gov.uk"))
    officer = factories.user(merton, email="grace@merton.gov.uk", confirmed=False)
    organisations.send_confirmation_link(officer)
    token = link_mailed_to(officer.email, "/organisation/confirm/").rsplit("/", 1)[-1]
    someone_else = factories.user(merton, email="other@merton.gov.uk", confirmed=False)
    with pytest.raises(Refused, match="not for your account"):
        organisations.confirm_membership(someone_else, token)
    with pytest.raises(Refused, match="not for your account"):
        organisations.confirm_membership(officer, token + "x")
    organisations.confirm_membership(officer, token)
    assert officer.belongs_to_organisation
    assert last_event(session).payload == {"user_id": officer.id, "organisation_id": merton.id}


def test_an_address_elsewhere_needs_an_administrators_approval(session):
    merton = factories.organisation("London Borough of Merton")
    claimant = factories.user(merton, email="merton.chief.executive@gmail.example", confirmed=False)
    with pytest.raises(Refused, match="Ask one of its organisation administrators"):
        organisations.send_confirmation_link(claimant)
    for stranger in (factories.user(organisation_admin=True), factories.user(merton), claimant):
        with pytest.raises(NotPermitted):
            organisations.approve_person(stranger, claimant)
    organisations.approve_person(factories.user(merton, organisation_admin=True), claimant)
    assert claimant.belongs_to_organisation


def test_organisation_administrators_choose_other_administrators(session):
    merton = factories.organisation()
    admin = factories.user(merton, organisation_admin=True)
    colleague, newcomer = factories.user(merton), factories.user(merton, confirmed=False)
    organisations.set_organisation_admin(admin, colleague, True)
    assert colleague.administers_organisation
    assert last_event(session).payload == {"user_id": colleague.id, "organisation_id": merton.id}
    with pytest.raises(Refused, match="Approve"):
        organisations.set_organisation_admin(admin, newcomer, True)
    with pytest.raises(Refused, match="another administrator"):
        organisations.set_organisation_admin(admin, admin, False)
    with pytest.raises(NotPermitted):
        organisations.set_organisation_admin(factories.user(organisation_admin=True), colleague, False)


def test_organisation_websites_are_web_addresses_only(session):
    admin = factories.user(is_admin=True)
    for address in ("javascript:alert(1)", "data:text/html,hi", "ftp://example.org", "https://"):
        with pytest.raises(Refused, match="starting with http:// or https://"):
            organisations.create_organisation(admin, f"Org {address}", Sector.NHS, address)
    assert organisations.create_organisation(admin, "Healthwatch", Sector.RESIDENTS,
                                             "https://healthwatch.example").website == "https://healthwatch.example"
