"""Every page at 320 CSS pixels wide: what a phone shows, and what 400% zoom of a 1280 px
window shows (WCAG 2.2 SC 1.4.10 Reflow). axe cannot see sideways scrolling, so the
page's own width is measured. Tables may scroll inside their own region; the page may not.
"""
from __future__ import annotations

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import select

from localvision.domain.vocabulary import BarrierStatus, DecisionStatus, NotificationKind, PartnerStatus
from localvision.extensions import db
from localvision.models import (
    Action,
    Barrier,
    Decision,
    HealthCheckRound,
    Indicator,
    LearningEntry,
    Measurement,
    Organisation,
    OutboxMessage,
    Project,
    ProjectPartner,
    User,
)
from localvision.permissions import policy
from localvision.services import discussions, measurement_imports
from localvision.services.invitations import invite_by_administrator
from localvision.services.notifications import unsubscribe_token
from support import token_mailed_to

NARROW = {"width": 320, "height": 640}
PLYMOUTH = "street-drinking-plymouth"

# Routes that answer with data, or lead on to another page: nothing to reflow.
NOT_PAGES = {"static", "main.healthz", "decisions.download", "open_data.contributions", "open_data.measurements",
             "open_data.threesixtygiving", "health_checks.download", "open_data.barriers", "open_data.learning",
             "notifications.follow"}
# Who looks at a page: the lead of the Plymouth partnership unless said here. Public pages
# are also seen by a visitor who is not signed in, as most readers of a published project are.
SEEN_BY = {"admin.status": "admin", "admin.round_trip_result": "admin", "admin.organisations": "admin",
           "admin.invitations": "admin", "admin.outbox": "admin", "admin.outbox_message": "admin",
           "admin.organisation": "admin", "auth.sign_in": None, "auth.accept_invitation": None,
           "public.directory": None, "public.accessibility": None, "public.learning": None}
ALSO_SEEN_BY_VISITORS = {"main.home", "projects.show", "summaries.show", "decisions.index", "decisions.show",
                         "indicators.index", "indicators.show", "public.directory", "public.accessibility",
                         "health_checks.index", "health_checks.show", "barriers.index", "barriers.show",
                         "barriers.public_form", "learning.index", "learning.show"}


@pytest.fixture
def pages(live_app) -> list[tuple[str | None, str, str]]:
    """(who, endpoint, path) for every page of the route list, parameters taken from the demo."""
    with live_app.app_context():
        project = db.session.scalar(select(Project).where(Project.slug == PLYMOUTH))
        lead = db.session.scalar(select(User).where(User.email.startswith("lead@")))
        admin = db.session.scalar(select(User).where(User.is_admin))
        decisions = db.session.scalars(select(Decision).where(Decision.project_id == project.id)).all()
        open_decision = next(d for d in decisions if d.status == DecisionStatus.OPEN)
        closed = next((d for d in decisions if d.status != DecisionStatus.OPEN), open_decision)
        action = db.session.scalar(select(Action).join(Decision).where(Decision.project_id == project.id))
        indicator = db.session.scalar(select(Indicator).where(Indicator.project_id == project.id))
        measurement = db.session.scalar(select(Measurement).where(Measurement.indicator_id == indicator.id))
        upload = measurement_imports.check_import(policy.context_for(lead, project), "figures.csv",
                                           f"indicator,period,value\n{indicator.name},2026-01-01,12\n".encode())
        invitation = invite_by_administrator(admin, "new.reader@example.org",
                                             db.session.scalar(select(Organisation).order_by(Organisation.id)), None)
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == invitation.email))
        comment = discussions.add_comment(policy.context_for(lead, project), open_decision, "Who evaluates it?")
        invited = db.session.scalar(select(ProjectPartner).where(ProjectPartner.status == PartnerStatus.INVITED,
                                                                 ProjectPartner.organisation_id == lead.organisation_id))
        rounds = db.session.scalars(select(HealthCheckRound).where(HealthCheckRound.project_id == project.id)
                                    .order_by(HealthCheckRound.opens_on)).all()
        latest_closed = [item.id for item in rounds if item.closed_at is not None][-1]
        open_round = next(item.id for item in rounds if item.closed_at is None)
        values = {"round_id": latest_closed, "slug": PLYMOUTH, "decision_id": open_decision.id, "action_id": action.id,
                  "indicator_id": indicator.id, "measurement_id": measurement.id, "import_id": upload.id,
                  "number": 1, "token": token_mailed_to(invitation.email), "job_id": "no-such-job",
                  "message_id": message.id, "comment_id": comment.id, "invited_id": invited.id,
                  "organisation_id": lead.organisation_id,
                  "barrier_id": db.session.scalar(select(Barrier.id).where(Barrier.project_id == project.id,
                                                                           Barrier.status == BarrierStatus.REMOVED)),
                  "entry_id": db.session.scalar(select(LearningEntry.id).where(LearningEntry.project_id == project.id,
                                                                              LearningEntry.is_published.is_(True)))}
        by_endpoint = {"decisions.reopen": {"decision_id": closed.id},
                       "notifications.unsubscribe": {"token": unsubscribe_token(lead, NotificationKind.DECISION_AWAITS.value)},
                       "health_checks.answer": {"round_id": open_round}}
        found = []
        with live_app.test_request_context():
            for rule in live_app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("api."):
                    continue
                missing = rule.arguments - values.keys()
                assert not missing, f"{rule.endpoint}: say which demo value fills {missing}"
                arguments = {name: values[name] for name in rule.arguments} | by_endpoint.get(rule.endpoint, {})
                path = url_for(rule.endpoint, **arguments)
                found.append((SEEN_BY.get(rule.endpoint, "lead"), rule.endpoint, path))
                if rule.endpoint in ALSO_SEEN_BY_VISITORS and SEEN_BY.get(rule.endpoint, "lead") is not None:
                    found.append((None, rule.endpoint, path))
        db.session.remove()
    return found


def page_width(page, url: str) -> int:
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_scrolls_sideways_at_320_pixels(browser, live_server, sign_in, pages):
    too_wide = {}
    for who in ("lead", "admin", None):
        context = browser.new_context(viewport=NARROW)
        page = context.new_page()
        if who:
            sign_in(who, on=page)
        for seen_by, endpoint, path in pages:
            if seen_by == who:
                width = page_width(page, live_server + path)
                if width > NARROW["width"]:
                    too_wide[f"{endpoint} ({who or 'visitor'}) {path}"] = width
        context.close()
    assert len(pages) > 40
    assert too_wide == {}, "pages wider than 320 px:\n" + "\n".join(f"{w} px  {p}" for p, w in sorted(too_wide.items()))


def test_wide_tables_scroll_inside_a_region_a_keyboard_can_reach(page, live_server, assert_accessible):
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server}/projects/{PLYMOUTH}/decisions")
    region = page.get_by_role("region", name="Decisions")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait for the region to have moved.
    page.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    for path in ("/decisions", "/summary", "", "/indicators/1"):
        page.goto(f"{live_server}/projects/{PLYMOUTH}{path}")
        assert_accessible()


def test_changed_member_pages_pass_wcag_22_aa_at_320_pixels(page, live_server, sign_in, assert_accessible):
    sign_in("lead")
    page.set_viewport_size(NARROW)
    for path in ("/audit", "/decisions", "/decisions/new", "/indicators/new", "/people"):
        page.goto(f"{live_server}/projects/{PLYMOUTH}{path}")
        assert_accessible()
    page.goto(f"{live_server}/projects/{PLYMOUTH}/decisions?opened_from=1&opened_from=13&opened_from=2026")
    expect(page.get_by_text("Opened on or after must be a real date")).to_be_visible()
    assert_accessible()
