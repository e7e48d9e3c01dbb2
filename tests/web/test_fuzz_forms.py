"""Hostile values posted into every field of every form, on every POST route.

Routes come from the app's url_map and fields from the forms its pages show, so a new
route or field is fuzzed without touching this file. Whatever is posted, the answer is
never a 5xx, and an answer that refuses (4xx) leaves every table as it was.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import BarrierStatus, DecisionStance, DecisionStatus, NotificationKind, ProjectRole
from localvision.extensions import db
from localvision.permissions import policy
from localvision.services import accounts, invitations, notifications, organisations
from support import link_mailed_to, token_mailed_to

HOSTILE_TEXT = [
    "", " ", "\x00", "a\x00b", "9" * 25, "99999999999999999999", "-99999999999999999999", "1e999", "-1e999",
    "1E+99999999999999999", "NaN", "Infinity", "-0", "0", "2147483648", "31/02/2024", "9999-99-99", "2024-13-45",
    "x" * 70_000, "\u202e\u0301\U0001f600", "<script>", "' OR 1=1 --", "%00", "\ud7ff\uffff",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=1, max_size=3))
# A date input posts its day, month and year boxes under one name. Mostly a real year and
# often a huge day or month, so the huge number reaches the date itself.
hostile_day_or_month = st.sampled_from(["99999999999999999999"] * 3 + ["1", "31", "0", "-1", "\x00", "", "1e999"])
hostile_date = st.tuples(hostile_day_or_month, hostile_day_or_month,
                         st.sampled_from(["2027"] * 4 + ["99999999999999999999", "1999", "", "2027\x00"])).map(list)
EXAMPLES_PER_ROUTE = 12


class PostForms(HTMLParser):
    """The field names of each POST form on a page, by the path the form posts to."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.fields: dict[str, Counter[str]] = {}
        self._action: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "form":
            post = (attributes.get("method") or "get").lower() == "post"
            self._action = urlsplit(attributes.get("action") or self.page_path).path if post else None
        elif tag in ("input", "textarea", "select") and self._action and attributes.get("name"):
            if attributes.get("type") != "submit" and attributes["name"] != "csrf_token":
                self.fields.setdefault(self._action, Counter())[attributes["name"]] += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form":
            self._action = None


@pytest.fixture
def world(session):
    """A lead who also administers the platform, so every form is open to them, with one
    of everything a route's address can name."""
    lead, member = factories.council_and_trust()
    lead.is_admin = True
    project = factories.two_partner_project(lead, member)
    decision = factories.decision(project, lead, title="Night shelter")
    factories.position(decision, member, DecisionStance.SUPPORT)
    indicator = factories.indicator(project, name="Rough sleepers")
    context = policy.context_for(lead, project)
    world = {
        "lead": lead,
        "slug": project.slug,
        "decision_id": decision.id,
        "contribution_id": factories.contribution(decision, lead, "500").id,
        "action_id": factories.action(decision, member).id,
        # The lead's own comment, just written, so its correction form is open to them.
        "comment_id": factories.comment(decision, lead).id,
        "indicator_id": indicator.id,
        "measurement_id": factories.measurement(indicator).id,
        "import_id": factories.measurement_import(project, lead, "indicator,period,value\nRough sleepers,2024-06-01,3\n").id,
        "number": factories.vision_version(project, lead).number,
        "membership_id": next(m.id for m in project.memberships if m.role == ProjectRole.MEMBER),
        "partner_id": next(p.id for p in project.partners if p.organisation_id == member.organisation_id),
    }
    world["barrier_id"] = factories.barrier(project, raiser=member).id
    awaiting_id = factories.barrier(project, status=BarrierStatus.AWAITING_MODERATION).id
    world["entry_id"] = factories.lesson(project, lead).id
    open_to_public = factories.project(lead=lead, published=True)
    open_to_public.accepts_public_barriers = True
    invitations.invite_to_project(context, "newcomer@example.org", member.organisation, ProjectRole.MEMBER)
    world["token"] = token_mailed_to("newcomer@example.org")
    # Pages of decisions in other states show the forms an open decision does not.
    world["other_decision_ids"] = [factories.decision(project, lead, status=status).id
                                   for status in (DecisionStatus.AGREED, DecisionStatus.DEFERRED)]
    # The lead administers their own organisation, so the people page offers to add a colleague
    # not yet in the project, and the organisation's page to confirm one who is not yet confirmed.
    lead.is_organisation_admin = True
    factories.user(lead.organisation)
    world["user_id"] = factories.user(lead.organisation, confirmed=False).id
    world["organisation_id"] = member.organisation_id
    world["domain_id"] = organisations.add_domain(lead, member.organisation, "trust.example.org").id
    # An organisation the lead has invited, and a partnership the lead's own organisation is invited to.
    world["invited_id"] = invitations.invite_organisation(context, factories.organisation()).id
    # An open health check round, whose answer form the lead sees, and a closed one to publish.
    world["round_id"] = factories.health_check_round(project, lead).id
    closed_round = factories.health_check_round(project, lead, opens_in_days=-10, closes_in_days=-1)
    closed_round.closed_at = datetime.now(timezone.utc)
    other_project = factories.project(lead=member)
    invited_to_lead = invitations.invite_organisation(policy.context_for(member, other_project), lead.organisation)
    session.commit()
    # Emailed links name a token of their own: the member's, so the lead stays signed in.
    accounts.send_password_reset_link(member.email)
    accounts.request_email_change(member, factories.PASSWORD, "member.new@example.org")
    world["by_endpoint"] = {
        "auth.reset_password": {"token": link_mailed_to(member.email, "/password-reset/").rsplit("/", 1)[-1]},
        "auth.confirm_email": {"token": link_mailed_to("member.new@example.org", "/account/email/").rsplit("/", 1)[-1]}}
    world["by_endpoint"]["organisations.partner_invitation"] = {"invited_id": invited_to_lead.id}
    world["by_endpoint"]["notifications.unsubscribe"] = {
        "token": notifications.unsubscribe_token(lead, NotificationKind.DECISION_AWAITS.value)}
    world["by_endpoint"]["health_checks.publication"] = {"round_id": closed_round.id}
    # The barrier's page shows the triage form; the log lists one awaiting moderation, and
    # a published project of the lead's has its public form open.
    world["by_endpoint"]["barriers.moderate"] = {"barrier_id": awaiting_id}
    world["by_endpoint"]["barriers.public_form"] = {"slug": open_to_public.slug}
    return world


def address(rule, world) -> str | None:
    """The rule's path with the world's values, or None when it names something the world lacks."""
    values = {**world, **world.get("by_endpoint", {}).get(rule.endpoint, {})}
    if not set(rule.arguments) <= set(values):
        return None
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def discovered_fields(app, client_for, world) -> dict[str, dict[str, int]]:
    """Every POST form's fields by the endpoint it posts to, with how many boxes each has,
    from every page a GET route shows to the lead and to an anonymous visitor, for each of
    the world's decisions."""
    adapter = app.url_map.bind("localhost")
    fields: dict[str, set[str]] = {}
    pages = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and rule.endpoint != "static" and not rule.rule.startswith("/api/")]
    for decision_id in [world["decision_id"], *world["other_decision_ids"]]:
        variant = {**world, "decision_id": decision_id}
        for client in (client_for(world["lead"]), client_for(None)):
            for rule in pages:
                path = address(rule, variant)
                if path is None or (decision_id != world["decision_id"] and "decision_id" not in rule.arguments):
                    continue
                response = client.get(path)
                if response.mimetype != "text/html":
                    continue
                parser = PostForms(path)
                parser.feed(response.get_data(as_text=True))
                for action, boxes in parser.fields.items():
                    endpoint, _ = adapter.match(action, method="POST")
                    known = fields.setdefault(endpoint, {})
                    for name, count in boxes.items():
                        known[name] = max(known.get(name, 0), count)
    return fields


def table_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables}


def post_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda rule: rule.rule)


@pytest.fixture
def fields(app, client_for, world) -> dict[str, dict[str, int]]:
    return discovered_fields(app, client_for, world)


def test_every_post_route_is_reached(app, world, fields):
    """Guards the fuzz test itself: each POST route has an address and a form with fields."""
    unreached = [rule.endpoint for rule in post_routes(app) if address(rule, world) is None]
    assert unreached == []
    formless = [rule.endpoint for rule in post_routes(app) if not fields.get(rule.endpoint)]
    # These answer a button alone: they have no fields to fuzz.
    assert set(formless) <= {"auth.sign_out", "decisions.action_done", "decisions.remove_contribution",
                             "indicators.confirm_import", "projects.remove_partner", "projects.remove_person",
                             "admin.round_trip", "projects.publication", "projects.representative",
                             "auth.confirm_email", "organisations.approve", "organisations.administrator",
                             "organisations.send_confirmation", "organisations.partner_invitation",
                             "admin.remove_domain", "projects.withdraw_partner_invitation",
                             "decisions.remind", "notifications.mark_all_read", "notifications.unsubscribe",
                             "health_checks.close", "health_checks.publication"}


@settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_values_never_cause_a_server_error_or_a_partial_write(app, client_for, world, fields, data):
    every_field = {name: boxes for form_fields in fields.values() for name, boxes in form_fields.items()}
    for rule in post_routes(app):
        path = address(rule, world)
        boxes_by_name = fields.get(rule.endpoint) or every_field
        values = {name: hostile_date if boxes == 3 else hostile_value for name, boxes in sorted(boxes_by_name.items())}
        form = data.draw(st.fixed_dictionaries({}, optional=values), label=path)
        before = table_counts()
        response = client_for(world["lead"]).post(path, data=form)
        assert response.status_code < 500, (path, form)
        if response.status_code >= 400:
            assert table_counts() == before, (path, response.status_code)


