"""Every route, for every kind of visitor, against a private and a published project.

A route added without an entry in EXPECTED fails this test, so nobody can ship a page
without saying who may use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import pytest
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

import factories
from localvision.domain.vocabulary import DecisionStatus, NotificationKind, Sector
from localvision.extensions import db
from localvision.models import (
    Barrier,
    Decision,
    HealthCheckRound,
    Indicator,
    LearningEntry,
    MeasurementImport,
    OrganisationDomain,
)
from localvision.permissions.policy import context_for
from localvision.services import mail
from localvision.services.health_checks import compute_health_check_results
from localvision.services.invitations import invite_by_administrator, invite_organisation
from localvision.services.notifications import Tidings, notify
from support import token_mailed_to

ROLES = ("anonymous", "outsider", "member", "lead", "admin")

# Who may use a route, by kind.
PUBLIC = "public"  # anyone
SIGNED_IN = "signed in"  # any account
PROJECT_VIEWER = "project viewer"  # anyone for a published project; people of the project and admins for a private one
PUBLISHED_ONLY = "published only"  # anyone for a published project; nobody, not even its people, for a private one
PROJECT_MEMBER = "project member"  # people of the project
PROJECT_LEAD = "project lead"  # project leads
ADMIN = "admin"  # platform administrators
NOBODY_WITHOUT_A_LINK = "nobody without a link"  # single-use emailed links: a made-up token finds nothing
COMMENT_AUTHOR = "comment author"  # the person of the project who wrote the comment, soon after
# The administrators of a person's own organisation (the member's, in this world) and
# platform administrators; anyone else is not told the person exists.
ORGANISATION_ADMIN = "organisation admin"
# People of the project who administer the person's own organisation (here: the member).
PERSONS_ORGANISATION_ADMIN = "person's organisation admin in the project"
# The person the notification is for (here: the member); to anyone else it does not exist.
NOTIFIED_PERSON = "notified person"
# The confirmed people of the invited organisation (here: the outsider's).
INVITED_ORGANISATION = "invited organisation"
# Whoever holds the link may create the account at its address; a signed-in account at
# another address is refused.
INVITEE = "invitee"

EXPECTED: dict[str, tuple[str, str]] = {
    # endpoint: (who may use it, HTTP method to try)
    "static": (PUBLIC, "GET"),
    "main.home": (PUBLIC, "GET"),
    "main.healthz": (PUBLIC, "GET"),
    "main.readyz": (PUBLIC, "GET"),
    "auth.sign_in": (PUBLIC, "GET"),
    "auth.sign_out": (SIGNED_IN, "POST"),
    "auth.request_password_reset": (PUBLIC, "GET"),
    # An unusable link answers 404 to everyone; a usable one is tested in test_accounts.
    "auth.reset_password": (NOBODY_WITHOUT_A_LINK, "GET"),
    "auth.confirm_email": (NOBODY_WITHOUT_A_LINK, "GET"),
    "auth.account": (SIGNED_IN, "GET"),
    "auth.change_password": (SIGNED_IN, "GET"),
    "auth.change_email": (SIGNED_IN, "GET"),
    "auth.accept_invitation": (INVITEE, "GET"),
    "projects.create": (SIGNED_IN, "GET"),
    "projects.show": (PROJECT_VIEWER, "GET"),
    "projects.edit": (PROJECT_LEAD, "GET"),
    "projects.publication": (PROJECT_LEAD, "POST"),
    "projects.partners": (PROJECT_MEMBER, "GET"),
    "projects.withdraw_partner_invitation": (PROJECT_LEAD, "POST"),
    "projects.remove_partner": (PROJECT_LEAD, "POST"),
    "projects.people": (PROJECT_MEMBER, "GET"),
    "projects.change_role": (PROJECT_LEAD, "POST"),
    "projects.remove_person": (PROJECT_LEAD, "POST"),
    "projects.representative": (PERSONS_ORGANISATION_ADMIN, "POST"),
    "projects.invite": (PROJECT_LEAD, "GET"),
    "projects.audit_trail": (PROJECT_MEMBER, "GET"),
    "vision.show": (PROJECT_MEMBER, "GET"),
    "vision.record_position": (PROJECT_MEMBER, "POST"),
    "vision.propose": (PROJECT_MEMBER, "GET"),
    "vision.history": (PROJECT_MEMBER, "GET"),
    "vision.version": (PROJECT_MEMBER, "GET"),
    "vision.comment": (PROJECT_MEMBER, "POST"),
    "vision.compare": (PROJECT_MEMBER, "GET"),
    "summaries.show": (PROJECT_VIEWER, "GET"),
    "indicators.index": (PROJECT_VIEWER, "GET"),
    "indicators.show": (PROJECT_VIEWER, "GET"),
    "indicators.create": (PROJECT_MEMBER, "GET"),
    # The world's indicators belong to the lead's organisation, not the member's.
    "indicators.edit": (PROJECT_LEAD, "GET"),
    "indicators.add_measurement": (PROJECT_MEMBER, "POST"),
    "indicators.correct_measurement": (PROJECT_MEMBER, "GET"),
    "indicators.tolerance": (PROJECT_LEAD, "POST"),
    "indicators.upload": (PROJECT_MEMBER, "GET"),
    "indicators.import_preview": (PROJECT_MEMBER, "GET"),
    "indicators.confirm_import": (PROJECT_MEMBER, "POST"),
    "indicators.link_decisions": (PROJECT_LEAD, "POST"),
    "admin.status": (ADMIN, "GET"),
    "admin.round_trip": (ADMIN, "POST"),
    "admin.round_trip_result": (ADMIN, "GET"),
    "admin.organisations": (ADMIN, "GET"),
    "admin.invitations": (ADMIN, "GET"),
    "admin.outbox": (ADMIN, "GET"),
    "admin.outbox_message": (ADMIN, "GET"),
    "admin.organisation": (ADMIN, "GET"),
    "admin.remove_domain": (ADMIN, "POST"),
    "organisations.show": (SIGNED_IN, "GET"),
    "organisations.send_confirmation": (SIGNED_IN, "POST"),
    "organisations.confirm": (SIGNED_IN, "GET"),
    "organisations.approve": (ORGANISATION_ADMIN, "POST"),
    "organisations.administrator": (ORGANISATION_ADMIN, "POST"),
    "organisations.partner_invitation": (INVITED_ORGANISATION, "GET"),
    "public.directory": (PUBLIC, "GET"),
    "public.accessibility": (PUBLIC, "GET"),
    "api.index": (PUBLIC, "GET"),
    "api.openapi": (PUBLIC, "GET"),
    "api.projects": (PUBLIC, "GET"),
    "api.project": (PUBLISHED_ONLY, "GET"),
    "api.partners": (PUBLISHED_ONLY, "GET"),
    "decisions.index": (PROJECT_VIEWER, "GET"),
    "decisions.download": (PROJECT_VIEWER, "GET"),
    "decisions.create": (PROJECT_MEMBER, "GET"),
    "decisions.show": (PROJECT_VIEWER, "GET"),
    "decisions.edit": (PROJECT_MEMBER, "GET"),
    "decisions.amend": (PROJECT_MEMBER, "GET"),
    "decisions.withdraw": (PROJECT_MEMBER, "GET"),
    "decisions.close": (PROJECT_LEAD, "GET"),
    "decisions.reopen": (PROJECT_LEAD, "GET"),
    "decisions.remind": (PROJECT_LEAD, "POST"),
    "decisions.review": (PROJECT_MEMBER, "POST"),
    "decisions.record_position": (PROJECT_MEMBER, "POST"),
    "decisions.add_contribution": (PROJECT_MEMBER, "POST"),
    "decisions.remove_contribution": (PROJECT_MEMBER, "POST"),
    "decisions.add_action": (PROJECT_MEMBER, "POST"),
    "decisions.action_done": (PROJECT_MEMBER, "POST"),
    "decisions.drop_action": (PROJECT_MEMBER, "GET"),
    "decisions.actions": (PROJECT_MEMBER, "GET"),
    "decisions.add_comment": (PROJECT_MEMBER, "POST"),
    "decisions.edit_comment": (COMMENT_AUTHOR, "GET"),
    "your_work.index": (SIGNED_IN, "GET"),
    "notifications.index": (SIGNED_IN, "GET"),
    "notifications.mark_all_read": (SIGNED_IN, "POST"),
    "notifications.follow": (NOTIFIED_PERSON, "GET"),
    "notifications.preferences": (SIGNED_IN, "GET"),
    # Works without signing in, but only with a link signed by the service: a made-up one is 404.
    "notifications.unsubscribe": (NOBODY_WITHOUT_A_LINK, "GET"),
    "api.vision": (PUBLISHED_ONLY, "GET"),
    "api.decisions": (PUBLISHED_ONLY, "GET"),
    "api.indicators": (PUBLISHED_ONLY, "GET"),
    "api.summary": (PUBLISHED_ONLY, "GET"),
    "api.health_checks": (PUBLISHED_ONLY, "GET"),
    # The world's rounds are closed with published results: outside the project only
    # published results are found (tested in test_health_check_pages).
    "health_checks.index": (PROJECT_VIEWER, "GET"),
    "health_checks.show": (PROJECT_VIEWER, "GET"),
    "health_checks.download": (PROJECT_VIEWER, "GET"),
    "health_checks.create": (PROJECT_LEAD, "GET"),
    # The people of partner organisations: the member's and the lead's.
    "health_checks.answer": (PROJECT_MEMBER, "GET"),
    "health_checks.close": (PROJECT_LEAD, "POST"),
    "health_checks.publication": (PROJECT_LEAD, "POST"),
    "open_data.measurements": (PROJECT_VIEWER, "GET"),
    "open_data.contributions": (PROJECT_VIEWER, "GET"),
    "open_data.threesixtygiving": (PROJECT_VIEWER, "GET"),
    "open_data.barriers": (PROJECT_VIEWER, "GET"),
    "open_data.learning": (PROJECT_VIEWER, "GET"),
    "api.barriers": (PUBLISHED_ONLY, "GET"),
    "api.learning": (PUBLISHED_ONLY, "GET"),
    "api.lessons": (PUBLIC, "GET"),
    "barriers.index": (PROJECT_VIEWER, "GET"),
    "barriers.public_form_setting": (PROJECT_LEAD, "POST"),
    "barriers.create": (PROJECT_MEMBER, "GET"),
    # Open in the world on both projects: only the published one shows it, to anyone at all.
    "barriers.public_form": (PUBLISHED_ONLY, "GET"),
    "barriers.show": (PROJECT_VIEWER, "GET"),
    "barriers.moderate": (PROJECT_MEMBER, "POST"),
    # The member's organisation is a partner: its people triage with the leads.
    "barriers.triage": (PROJECT_MEMBER, "POST"),
    "barriers.to_decision": (PROJECT_MEMBER, "GET"),
    "barriers.to_action": (PROJECT_MEMBER, "GET"),
    "learning.index": (PROJECT_VIEWER, "GET"),
    "learning.create": (PROJECT_MEMBER, "GET"),
    "learning.show": (PROJECT_VIEWER, "GET"),
    "learning.edit": (PROJECT_MEMBER, "GET"),
    "learning.publication": (PROJECT_LEAD, "POST"),
    "public.learning": (PUBLIC, "GET"),
}

# Writes that people of a project may make but outsiders may not: the same route tried
# with POST as well as GET.
ALSO_POSTED = {"projects.partners": PROJECT_LEAD, "projects.people": PROJECT_MEMBER, "projects.edit": PROJECT_LEAD,
               "projects.invite": PROJECT_LEAD, "projects.create": SIGNED_IN, "admin.organisations": ADMIN,
               "admin.invitations": ADMIN, "auth.change_password": SIGNED_IN, "auth.change_email": SIGNED_IN,
               "auth.request_password_reset": PUBLIC, "admin.organisation": ADMIN,
               "organisations.partner_invitation": INVITED_ORGANISATION, "vision.propose": PROJECT_MEMBER, "decisions.create": PROJECT_MEMBER, "decisions.edit": PROJECT_MEMBER,
               "decisions.amend": PROJECT_MEMBER, "decisions.withdraw": PROJECT_MEMBER, "decisions.close": PROJECT_LEAD,
               "decisions.reopen": PROJECT_LEAD, "decisions.edit_comment": COMMENT_AUTHOR,
               "decisions.drop_action": PROJECT_MEMBER, "indicators.create": PROJECT_MEMBER,
               "indicators.edit": PROJECT_LEAD, "indicators.correct_measurement": PROJECT_MEMBER,
               "indicators.upload": PROJECT_MEMBER, "notifications.preferences": SIGNED_IN,
               "notifications.unsubscribe": NOBODY_WITHOUT_A_LINK,
               "health_checks.create": PROJECT_LEAD,
               "health_checks.answer": PROJECT_MEMBER,
               "barriers.create": PROJECT_MEMBER,
               "barriers.public_form": PUBLISHED_ONLY, "barriers.to_decision": PROJECT_MEMBER,
               "barriers.to_action": PROJECT_MEMBER, "learning.create": PROJECT_MEMBER, "learning.edit": PROJECT_MEMBER}

ALLOWED, SIGN_IN, FORBIDDEN, NOT_FOUND = "allowed", "sign in", "forbidden", "not found"


def expected_outcome(kind: str, role: str, published: bool) -> str:
    if kind == PUBLIC:
        return ALLOWED
    if kind == NOBODY_WITHOUT_A_LINK:
        return NOT_FOUND
    if kind == INVITEE:
        return ALLOWED if role == "anonymous" else FORBIDDEN
    if kind == PUBLISHED_ONLY:
        return ALLOWED if published else NOT_FOUND
    if role == "anonymous":
        if kind == PROJECT_VIEWER:
            return ALLOWED if published else NOT_FOUND
        return SIGN_IN
    if kind == SIGNED_IN:
        return ALLOWED
    if kind == ADMIN:
        return ALLOWED if role == "admin" else FORBIDDEN
    if kind == ORGANISATION_ADMIN:
        return ALLOWED if role in ("member", "admin") else NOT_FOUND
    if kind == NOTIFIED_PERSON:
        return ALLOWED if role == "member" else NOT_FOUND
    if kind == INVITED_ORGANISATION:
        return ALLOWED if role == "outsider" else NOT_FOUND
    can_see = published or role in ("member", "lead", "admin")
    if not can_see:
        return NOT_FOUND
    if kind == PROJECT_VIEWER:
        return ALLOWED
    if kind == PROJECT_MEMBER:
        return ALLOWED if role in ("member", "lead") else FORBIDDEN
    if kind in (COMMENT_AUTHOR, PERSONS_ORGANISATION_ADMIN):
        return ALLOWED if role == "member" else FORBIDDEN
    return ALLOWED if role == "lead" else FORBIDDEN


def observed_outcome(response) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code in (301, 302, 303) and "/sign-in" in response.headers["Location"]:
        return SIGN_IN
    return ALLOWED


@dataclass
class World:
    users: dict
    private: object
    published: object
    invitation_token: str
    outbox_message_id: int
    notification_id: int
    pending_person: object
    domain: object


@pytest.fixture
def world(session: Session, app) -> World:
    lead_org = factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)
    member_org = factories.organisation("Plymouth NHS Trust", Sector.NHS)
    outsider_org = factories.organisation("Kent County Council", Sector.LOCAL_AUTHORITY)
    users = {
        "lead": factories.user(lead_org, organisation_admin=True),
        "member": factories.user(member_org, organisation_admin=True),
        "outsider": factories.user(outsider_org),
        "admin": factories.user(factories.organisation("Platform team", Sector.BUSINESS), is_admin=True),
    }
    users["anonymous"] = None
    outsider_lead = factories.user(outsider_org)
    factories.project(lead=outsider_lead, partners=(outsider_org,))  # the outsider's own project
    private = factories.project(lead=users["lead"], partners=(member_org,), members=(users["member"],))
    published = factories.project(lead=users["lead"], partners=(member_org,), members=(users["member"],), published=True)
    for project in (private, published):
        factories.vision_version(project, users["lead"])
        # Proposed by the member, so the member may manage it as its proposer.
        decision = factories.decision(project, users["member"])
        factories.contribution(decision, users["member"], "500.00")
        factories.action(decision, users["member"])
        factories.comment(decision, users["member"])
        indicator = factories.indicator(project, owner=lead_org)
        factories.measurement(indicator, value="12")
        factories.measurement_import(project, users["lead"], f"indicator,period,value\n{indicator.name},2024-05-01,13\n")
        # An agreed grant, so that the 360Giving file has something to publish.
        grant = factories.decision(project, users["lead"], status=DecisionStatus.AGREED)
        grant.recipient_name = "Harbour Street Outreach"
        factories.contribution(grant, users["lead"], "2500.00")
        invite_organisation(context_for(users["lead"], project), outsider_org)
        health_check = factories.health_check_round(project, users["lead"], opens_in_days=-10, closes_in_days=-1)
        for person in (users["lead"], users["member"]):
            factories.health_check_answer(health_check, person)
        health_check.closed_at, health_check.is_published = datetime.now(timezone.utc), True
        compute_health_check_results(health_check.id)
        project.accepts_public_barriers = True
        factories.barrier(project, raiser=users["member"])
        factories.lesson(project, users["member"], published=True)
    invite_by_administrator(users["admin"], "invitee@example.org", member_org, None)
    pending_person = factories.user(member_org, confirmed=False)
    domain = OrganisationDomain(organisation=member_org, domain="trust.nhs.example")
    session.add(domain)
    # Releases the session's savepoint: the requests below reuse this session.
    held = mail.queue_message(to="reader@example.org", template="password_reset", kind="account.password_reset",
                              context={"name": "Invitee", "link": "https://lv.example/r/x", "hours": 1})
    [told] = notify([users["member"]], Tidings(NotificationKind.VISION_AGREED, "The vision is agreed",
                                                f"/projects/{private.slug}", "VisionVersion", None, private,
                                                "vision_agreed"), dedupe_key="route-access")
    session.commit()
    return World(users=users, private=private, published=published, invitation_token=token_mailed_to("invitee@example.org"),
                 outbox_message_id=held.id, notification_id=told.id, pending_person=pending_person, domain=domain)


def url_arguments(project, world: World) -> dict:
    member_org_id = world.users["member"].organisation_id
    decision = db.session.scalar(select(Decision).where(Decision.project_id == project.id).order_by(Decision.id))
    indicator = db.session.scalar(select(Indicator).where(Indicator.project_id == project.id))
    return {
        "indicator_id": indicator.id,
        "measurement_id": indicator.measurements[0].id,
        "import_id": db.session.scalar(select(MeasurementImport.id).where(MeasurementImport.project_id == project.id)),
        "slug": project.slug,
        "partner_id": next(p.id for p in project.partners if p.organisation_id == member_org_id),
        "invited_id": project.invited_partners[0].id,
        "user_id": world.pending_person.id,
        "organisation_id": member_org_id,
        "domain_id": world.domain.id,
        "membership_id": next(m.id for m in project.memberships if m.user_id == world.users["member"].id),
        "job_id": "no-such-job",
        "message_id": world.outbox_message_id,
        "notification_id": world.notification_id,
        "token": world.invitation_token,
        "filename": "images/favicon.svg",
        "number": 1,
        "decision_id": decision.id,
        "contribution_id": decision.contributions[0].id,
        "action_id": decision.actions[0].id,
        "comment_id": decision.comments[0].id,
        "round_id": db.session.scalar(select(HealthCheckRound.id).where(HealthCheckRound.project_id == project.id)),
        "barrier_id": db.session.scalar(select(Barrier.id).where(Barrier.project_id == project.id)),
        "entry_id": db.session.scalar(select(LearningEntry.id).where(LearningEntry.project_id == project.id)),
    }


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - EXPECTED.keys() == set(), "routes without an access expectation"
    assert EXPECTED.keys() - endpoints == set(), "expectations for routes that no longer exist"


# Lists a visitor can narrow or search: each is also asked with its filters set, which
# must not open what the plain list keeps closed.
FILTERED = {
    "decisions.index": "keywords=night&status=agreed&sector=nhs&opened_from=1&opened_from=1&opened_from=2020",
    "decisions.download": "keywords=night&status=agreed&sector=nhs",
    "public.directory": "q=night",
    "public.learning": "q=night",
    "api.projects": "q=night",
    "api.lessons": "q=night",
}


def planned_requests(app, world: World) -> list[tuple[str, str, str]]:
    """(method, url, expected outcome for this role) for every route and project, lists
    also with their filters."""
    planned = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        kind, method = EXPECTED[rule.endpoint]
        attempts = [(method, kind)] + ([("POST", ALSO_POSTED[rule.endpoint])] if rule.endpoint in ALSO_POSTED else [])
        projects = (world.private, world.published) if "slug" in rule.arguments else (None,)
        for project in projects:
            arguments = url_arguments(project, world) if project is not None else url_arguments(world.private, world)
            with app.test_request_context():
                url = url_for(rule.endpoint, **{k: v for k, v in arguments.items() if k in rule.arguments})
            urls = [url] + ([f"{url}?{FILTERED[rule.endpoint]}"] if rule.endpoint in FILTERED else [])
            for attempt_method, attempt_kind in attempts:
                planned += [(attempt_method, address, attempt_kind, project is not None and project.is_published)
                            for address in urls]
    return planned


@pytest.mark.parametrize("role", ROLES)
def test_each_visitor_gets_what_they_should(app, client_for: Callable, connection, world: World, role: str):
    user = world.users[role].id if world.users[role] is not None else None
    planned = planned_requests(app, world)
    failures = []
    for method, url, kind, published in planned:
        # Each request runs in a savepoint, so a removal cannot spoil the next check.
        db.session.remove()
        savepoint = connection.begin_nested()
        response = client_for(user).open(url, method=method)
        response.close()
        db.session.remove()
        savepoint.rollback()
        expected, observed = expected_outcome(kind, role, published), observed_outcome(response)
        if observed != expected:
            failures.append(f"{method} {url} as {role}: expected {expected}, got {observed} ({response.status_code})")
    assert failures == []
