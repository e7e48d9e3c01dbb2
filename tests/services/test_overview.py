"""A project's overview: one assembly for its people and for the public, each seeing what they may."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

import factories
from localvision.domain.refusals import NotPermitted
from localvision.domain.vocabulary import DecisionStatus, Sector
from localvision.permissions.policy import context_for
from localvision.queries.overview import project_overview
from localvision.summaries.recompute import recompute_project_summary


@pytest.fixture
def partnership(session):
    """A published project with one open grant and one agreed, commercially sensitive
    contract that only the trust funds."""
    lead, member = factories.council_and_trust()
    project = factories.two_partner_project(lead, member, title="Safer nights")
    grant = factories.decision(project, lead, title="Night outreach", status=DecisionStatus.AGREED)
    factories.contribution(grant, lead, "500.00")
    contract = factories.decision(project, member, title="Security contract", status=DecisionStatus.AGREED,
                                  sensitive=True)
    factories.contribution(contract, member, "900.00")
    factories.decision(project, lead, title="Street pastors")
    recompute_project_summary(project.id)
    return {"lead": lead, "member": member, "project": project}


def organisation_amounts(overview, name: str) -> dict:
    return next(entry for entry in overview.contribution_figures.figures["organisations"] if entry["name"] == name)["amounts"]


def test_the_people_of_a_project_see_every_amount(session, partnership):
    overview = project_overview(context_for(partnership["member"], partnership["project"]))
    assert overview.is_member and overview.partner_count == 2
    assert [sector for sector, _ in overview.partner_groups] == [Sector.NHS, Sector.LOCAL_AUTHORITY]
    assert overview.decisions.total_count == 3 and overview.decisions.counts[DecisionStatus.AGREED] == 2
    assert {decision.title for decision in overview.decisions.latest} == {"Night outreach", "Security contract",
                                                                         "Street pastors"}
    assert organisation_amounts(overview, "Plymouth NHS Trust")["total"] == "900.00"
    assert overview.downloads == []  # the members' page links to the data pages instead


def test_the_public_sees_totals_but_no_commercially_sensitive_amounts(session, partnership):
    overview = project_overview(context_for(AnonymousUserMixin(), partnership["project"]))
    assert not overview.is_member
    # The committed total is public, sensitive decisions included; who put in the sensitive
    # part, and in what form, is not: the summary's totals are of the disclosed decisions.
    assert str(overview.decisions.agreed_total) == "1400.00"
    assert overview.contribution_figures.figures["totals"]["total"] == "500.00"
    assert overview.contribution_figures.figures["undisclosed_total"] == "900.00"
    assert organisation_amounts(overview, "Plymouth NHS Trust")["total"] == "0.00"
    assert organisation_amounts(overview, "Plymouth City Council")["total"] == "500.00"
    assert "900.00" not in repr(overview.contribution_figures.figures["organisations"] + overview.contribution_figures.figures["sectors"])
    # Decisions in brief carry a title and a status only: no contributions to reach.
    assert not hasattr(overview.decisions.latest[0], "contributions")
    assert [download.endpoint for download in overview.downloads][:2] == ["api.project", "api.partners"]
    assert "open_data.threesixtygiving" not in {download.endpoint for download in overview.downloads}


def test_a_private_projects_overview_is_never_built_for_an_outsider(session, partnership):
    project = partnership["project"]
    project.is_published = False
    session.flush()
    with pytest.raises(NotPermitted):
        project_overview(context_for(AnonymousUserMixin(), project))
    with pytest.raises(NotPermitted):
        project_overview(context_for(factories.user(), project))
    administrator = factories.user(is_admin=True)
    assert project_overview(context_for(administrator, project)).downloads == []
