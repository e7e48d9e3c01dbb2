"""Nothing private reaches the public: a private project, a commercially sensitive
decision's details and drafts of the vision appear on no page, feed or download that a
visitor without a place in the project can open."""
from datetime import date, datetime, time, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

import factories
from localvision.domain.digests import due_period
from localvision.domain.reminders import LONDON
from localvision.domain.vocabulary import (
    BarrierStatus,
    DecisionCategory,
    DecisionStance,
    DecisionStatus,
    DigestFrequency,
    PartnerStatus,
    Sector,
    Stance,
)
from localvision.extensions import db
from localvision.models import Notification, NotificationSettings, Organisation, OutboxMessage, ProjectPartner
from localvision.permissions import policy
from localvision.services import decisions, digests, mail, notification_events
from localvision.services.decisions import DecisionDetails
from localvision.services.health_checks import compute_health_check_results

SECRETS = {
    "private project": "Undisclosed merger talks",
    "private summary": "Nobody outside may read this summary",
    "private decision": "Private pilot funding",
    "confidential rationale": "Supplier quoted a confidential rate",
    "confidential amount": "777777.77",
    "draft vision": "A draft wording still under discussion",
    "private vision": "The private partnership's own vision",
    "private indicator": "Savings from the merger",
    "discussion": "Our board will not fund a second year",
    "unconfirmed import": "424242",
    "unconfirmed import, formatted": "424,242",
    "link in a held email": "https://lv.example/reset/held-7731",
    "confidential position reason": "Our board approved the confidential rate",
    "organisation only invited": "Invited Not Yet Agreed Trust",
    "private decision awaiting positions": "Private merger feasibility study",
    "health check comment": "Our director never turns up",
    "unpublished health check round": "Morale round kept private",
    "open health check round": "Round still taking answers",
    "private project's health check round": "Merger anxiety round",
    "barrier awaiting moderation": "Nobody has read this barrier yet",
    "barrier rejected in moderation": "A rant naming a nurse on ward 7",
    "public raiser's name": "Rosalind Raiser",
    "public raiser's address": "rosalind.raiser@example.org",
    "member raiser's name": "Doctor Who Raised It",
    "unpublished lesson": "Our unpublished lesson about the board",
    "private project's lesson": "The private partnership's lesson",
    "private project's barrier": "The private partnership's barrier",
}
# Why a commercially sensitive decision was deferred: the people of the project read it on
# its page; no email carries it out of the service.
CONFIDENTIAL_REASON = "Guarding Ltd bid 31% under the others"


@pytest.fixture
def partnerships(session):
    lead, doctor = factories.council_and_trust()
    published = factories.two_partner_project(lead, doctor, title="Safer nights")
    agreed = factories.vision_version(published, lead, text="A city centre that is safe at night.")
    factories.vision_position(agreed, lead)
    factories.vision_position(agreed, doctor)
    factories.vision_version(published, doctor, text=SECRETS["draft vision"])
    grant = factories.decision(published, lead, title="Night outreach", status=DecisionStatus.AGREED)
    grant.recipient_name = "Harbour Street Outreach"
    factories.contribution(grant, lead, "1200.00")
    comment = factories.comment(grant, doctor, SECRETS["discussion"])
    confidential = factories.decision(published, lead, title="Security contract", status=DecisionStatus.AGREED,
                                      sensitive=True)
    confidential.rationale, confidential.recipient_name = SECRETS["confidential rationale"], "Guarding Ltd"
    factories.contribution(confidential, lead, SECRETS["confidential amount"])
    factories.contribution(confidential, doctor, "1000.00")
    factories.position(confidential, doctor, DecisionStance.SUPPORT, reasons=SECRETS["confidential position reason"])
    # A partner whose only part in the project is funding the confidential decision.
    silent_funder = factories.user(factories.organisation("Silent Funder University", Sector.UNIVERSITY_AND_RESEARCH))
    published.partners.append(ProjectPartner(organisation=silent_funder.organisation, status=PartnerStatus.ACCEPTED))
    factories.contribution(confidential, silent_funder, "2500.00")
    published.invited_partners.append(ProjectPartner(
        organisation=factories.organisation(SECRETS["organisation only invited"]), status=PartnerStatus.INVITED))

    indicator = factories.indicator(published, name="Street drinking incidents")
    public_measurement = factories.measurement(indicator, value="90")
    pending = factories.measurement_import(
        published, lead, f"indicator,period,value\n{indicator.name},2024-05-01,{SECRETS['unconfirmed import']}\n")

    private = factories.two_partner_project(lead, doctor, title=SECRETS["private project"], published=False)
    private.summary = SECRETS["private summary"]
    version = factories.vision_version(private, lead, text=SECRETS["private vision"])
    factories.vision_position(version, lead, Stance.ENDORSE)
    private_decision = factories.decision(private, lead, title=SECRETS["private decision"],
                                          status=DecisionStatus.AGREED)
    private_decision.recipient_name = "Harbour Street Outreach"
    factories.contribution(private_decision, lead, "5000.00")
    private_indicator = factories.indicator(private, name=SECRETS["private indicator"])
    private_measurement = factories.measurement(private_indicator, value="12")
    held = mail.queue_message(to=lead.email, template="password_reset", kind="account.password_reset", user=lead,
                              context={"name": lead.name, "link": SECRETS["link in a held email"], "hours": 1})
    published.accepts_public_barriers = True
    front_line = factories.user(doctor.organisation, name=SECRETS["member raiser's name"])
    approved = factories.barrier(published, what="Discharge letters arrive after the patient")
    approved.raiser_name, approved.raiser_email = SECRETS["public raiser's name"], SECRETS["public raiser's address"]
    factories.barrier_answer(approved, lead)
    raised_inside = factories.barrier(published, raiser=front_line, what="No night bus after midnight")
    awaiting = factories.barrier(published, status=BarrierStatus.AWAITING_MODERATION,
                                 what=SECRETS["barrier awaiting moderation"], raiser_email=SECRETS["public raiser's address"])
    rejected = factories.barrier(published, status=BarrierStatus.REJECTED, what=SECRETS["barrier rejected in moderation"])
    private_barrier = factories.barrier(private, raiser=lead, what=SECRETS["private project's barrier"])
    published_lesson = factories.lesson(published, lead, title="Night walks first", published=True)
    draft_lesson = factories.lesson(published, lead, title=SECRETS["unpublished lesson"])
    private_lesson = factories.lesson(private, lead, title=SECRETS["private project's lesson"], published=True)
    # Health check rounds: one with published results (whose comments stay private), one
    # closed but not published, one still open, and a published one of the private project.
    rounds = []
    for project, title, published_results, closed in (
            (published, "Spring health check", True, True),
            (published, SECRETS["unpublished health check round"], False, True),
            (published, SECRETS["open health check round"], False, False),
            (private, SECRETS["private project's health check round"], True, True)):
        health_check = factories.health_check_round(project, lead, title=title, opens_in_days=-10,
                                                    closes_in_days=-1 if closed else 5)
        for person, said in ((lead, SECRETS["health check comment"]), (doctor, ""), (factories.user(lead.organisation), "")):
            factories.health_check_answer(health_check, person, comment=said)
        health_check.closed_at = factories.datetime.now(factories.timezone.utc) if closed else None
        health_check.is_published = published_results
        rounds.append(health_check)
    session.commit()
    for health_check in rounds:
        compute_health_check_results(health_check.id)
    # Someone of a partner organisation who is in neither project.
    outsider = factories.user(lead.organisation)
    session.commit()
    # Changes made through their services, so the notification fan-out has events to tell.
    today = date.today()
    decisions.propose_decision(policy.context_for(lead, private), DecisionDetails(
        title=SECRETS["private decision awaiting positions"], rationale="Ask the boards", category=DecisionCategory.OTHER,
        opens_on=today, closes_on=today + timedelta(days=20)))
    renewal = decisions.propose_decision(policy.context_for(lead, published), DecisionDetails(
        title="Guarding contract renewal", rationale=SECRETS["confidential rationale"], category=DecisionCategory.OTHER,
        opens_on=today, closes_on=today + timedelta(days=20), is_commercially_sensitive=True))
    decisions.close_decision(policy.context_for(lead, published), renewal, DecisionStatus.DEFERRED.value,
                             CONFIDENTIAL_REASON)
    notification_events.fan_out()
    # Each notification the fan-out made, some naming the private decision.
    notifications = session.scalars(select(Notification.id)).all()
    return {"published": published, "private": private, "outsider": outsider, "silent funder": silent_funder,
            "decisions": [grant.id, confidential.id, private_decision.id],
            "indicators": [indicator.id, private_indicator.id],
            "measurements": [public_measurement.id, private_measurement.id], "imports": [pending.id],
            "messages": [held.id], "notifications": notifications,
            "comments": [comment.id], "rounds": [health_check.id for health_check in rounds],
            "barriers": [approved.id, raised_inside.id, awaiting.id, rejected.id, private_barrier.id],
            "lessons": [published_lesson.id, draft_lesson.id, private_lesson.id]}


def every_get_url(app, partnerships) -> list[str]:
    """Each GET route, with every project, decision and version number there is."""
    values = {"slug": [partnerships["published"].slug, partnerships["private"].slug],
              "decision_id": partnerships["decisions"], "number": [1, 2], "filename": ["images/favicon.svg"],
              "token": ["not-a-real-invitation"], "job_id": ["no-such-job"], "partner_id": [1], "membership_id": [1],
              "invited_id": [1, 2, 3], "organisation_id": [1, 2, 3],
              "contribution_id": [1], "action_id": [1], "indicator_id": partnerships["indicators"],
              "measurement_id": partnerships["measurements"], "import_id": partnerships["imports"],
              "message_id": partnerships["messages"], "notification_id": partnerships["notifications"],
              "comment_id": partnerships["comments"], "round_id": partnerships["rounds"],
              "barrier_id": partnerships["barriers"], "entry_id": partnerships["lessons"]}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            unknown = rule.arguments - values.keys()
            assert not unknown, f"{rule.endpoint} needs {unknown}: give this test values for it"
            combinations = [{}]
            for argument in sorted(rule.arguments):
                combinations = [{**c, argument: v} for c in combinations for v in values[argument]]
            urls += [url_for(rule.endpoint, **arguments) for arguments in combinations]
    return urls


def public_addresses(partnerships) -> set[str]:
    """What anyone may read of the published project: each must answer 200 and be inspected."""
    project = f"/projects/{partnerships['published'].slug}"
    api = f"/api/v1/projects/{partnerships['published'].slug}"
    grant, confidential, _private = partnerships["decisions"]
    return {project, f"{project}/summary", f"{project}/decisions", f"{project}/decisions/decisions.csv",
            f"{project}/decisions/{grant}", f"{project}/decisions/{confidential}", f"{project}/indicators",
            f"{project}/indicators/{partnerships['indicators'][0]}", f"{project}/contributions.csv",
            f"{project}/measurements.csv", f"{project}/360giving.json",
            f"{project}/health-check", f"{project}/health-check/{partnerships['rounds'][0]}",
            f"{project}/health-check/{partnerships['rounds'][0]}/results.csv",
            api, *(f"{api}/{part}" for part in ("partners", "vision", "decisions", "summary", "indicators",
                                                "health-checks")),
            "/", "/projects", "/projects?q=merger", "/accessibility", "/api/v1/", "/api/v1/openapi.json",
            "/api/v1/projects", "/api/v1/projects?q=merger",
            f"{project}/barriers", f"{project}/barriers/tell-us", f"{project}/barriers.csv",
            *(f"{project}/barriers/{barrier}" for barrier in partnerships["barriers"][:2]),
            f"{project}/learning", f"{project}/learning/{partnerships['lessons'][0]}", f"{project}/learning.csv",
            f"{api}/barriers", f"{api}/learning", "/learning", "/learning?q=board", "/learning?q=lesson",
            "/api/v1/learning", "/api/v1/learning?q=board"}


# Sensitive decisions, by title: a visitor's filters and searches must not pick them out
# by what is hidden of them (who funded them, the words of their rationale).
SENSITIVE_TITLES = ("Security contract", "Guarding contract renewal")


def hidden_facts_filters(partnerships) -> list[str]:
    """Decision-log addresses (page and download) filtered by what only the people of the
    project know of the sensitive decisions: their silent funder, its sector, a word of
    their rationale."""
    log = f"/projects/{partnerships['published'].slug}/decisions"
    funder = partnerships["silent funder"].organisation
    filters = [f"organisation={funder.id}", f"sector={funder.sector.value}", "keywords=Supplier",
               "keywords=confidential+rate", f"organisation={funder.id}&status=agreed"]
    return [f"{address}?{query}" for address in (log, f"{log}/decisions.csv") for query in filters]


def every_filter_url(partnerships) -> list[str]:
    """The decision log and its download under each of their filters, with every value a
    visitor could choose: each organisation, sector and status, words, dates."""
    log = f"/projects/{partnerships['published'].slug}/decisions"
    organisations = db.session.scalars(select(Organisation.id)).all()
    today = date.today()
    filters = ([f"organisation={organisation}" for organisation in organisations]
               + [f"sector={sector.value}" for sector in Sector] + [f"status={status.value}" for status in DecisionStatus]
               + [f"keywords={word}" for word in ("merger", "rate", "Guarding", "night", "board")]
               + [f"opened_from={today.day}&opened_from={today.month}&opened_from={today.year}",
                  f"opened_to={today.day}&opened_to={today.month}&opened_to={today.year}"])
    return [f"{address}?{query}" for address in (log, f"{log}/decisions.csv") for query in filters]


def unexpected_status(url: str, response, visitor: str, public: set[str], project_slugs: list[str]) -> str | None:
    """Public addresses answer 200; a project's other pages send an anonymous visitor to
    sign in or say not found, and refuse or say not found to an outsider; nothing fails."""
    status, location = response.status_code, response.headers.get("Location", "")
    if url in public:
        return None if status == 200 else f"{url}: {status}, expected 200"
    to_sign_in = status == 302 and location.startswith("/sign-in")
    if any(f"/projects/{slug}" in url for slug in project_slugs):
        allowed = to_sign_in or status == 404 if visitor == "anonymous" else status in (403, 404)
    elif url.startswith(("/invitations/", "/password-reset/", "/account/email/",
                         "/notifications/unsubscribe/")):  # made-up emailed links
        allowed = status == 404
    elif url.startswith(("/organisation/invitations/", "/organisation/confirm/")):
        # Made-up links on the visitor's own organisation's pages: an invitation to another
        # organisation is not found; a false confirmation link goes back to the organisation page.
        made_up_answer = status == 404 if "/invitations/" in url else status == 302 and location == "/organisation"
        allowed = to_sign_in if visitor == "anonymous" else made_up_answer
    elif url.startswith("/admin"):
        allowed = to_sign_in if visitor == "anonymous" else status == 403
    elif url.startswith("/notifications/"):  # other people's notifications are not found
        allowed = to_sign_in if visitor == "anonymous" else status == 404
    else:  # the site's own pages: the outsider's own work, signing in, files, health
        allowed = status == 200 or to_sign_in or (visitor == "outsider" and url == "/sign-in" and status == 302)
    return None if allowed else f"{url}: {status} {location}".strip()


@pytest.mark.parametrize("visitor", ["anonymous", "outsider"])
def test_no_private_record_appears_anywhere_public(app, client_for, partnerships, visitor):
    client = client_for(partnerships["outsider"] if visitor == "outsider" else None)
    filtered = hidden_facts_filters(partnerships)
    urls = every_get_url(app, partnerships) + ["/projects?q=merger", "/api/v1/projects?q=merger", "/learning?q=board",
                                               "/learning?q=lesson", "/api/v1/learning?q=board"]
    urls += every_filter_url(partnerships) + filtered
    public = public_addresses(partnerships) | set(every_filter_url(partnerships)) | set(filtered)
    slugs = [partnerships["published"].slug, partnerships["private"].slug]
    leaks, surprises, inspected = [], [], 0
    for url in urls:
        db.session.remove()
        response = client.get(url)
        surprises += filter(None, [unexpected_status(url, response, visitor, public, slugs)])
        if response.status_code == 200:
            inspected += 1
            body = response.get_data(as_text=True)
            leaks += [f"{url}: {name}" for name, secret in SECRETS.items() if secret in body]
            if url in filtered:
                leaks += [f"{url}: picks out {title}" for title in SENSITIVE_TITLES if title in body]
        response.close()
    assert surprises == []
    assert leaks == []
    assert len(urls) > 40
    # Every public address, and for the outsider their own pages too, had its body read.
    assert inspected >= len(public) + (2 if visitor == "outsider" else 0)


def test_searches_find_no_private_project_and_no_draft_of_a_vision(client, partnerships):
    for name in ("private project", "private summary", "private vision", "draft vision"):
        words = SECRETS[name].replace(" ", "+")
        assert "0 projects match your search" in client.get(f"/projects?q={words}").get_data(as_text=True), name
        assert client.get(f"/api/v1/projects?q={words}").get_json()["meta"]["total"] == 0, name


def test_people_of_the_project_do_see_it(client_for, partnerships):
    """The secrets above are real words on real pages: their absence is not a typo."""
    member = partnerships["private"].memberships[0].user
    assert SECRETS["private project"] in client_for(member).get(f"/projects/{partnerships['private'].slug}").get_data(
        as_text=True)
    csv = client_for(member).get(f"/projects/{partnerships['published'].slug}/contributions.csv").get_data(as_text=True)
    assert SECRETS["confidential amount"] in csv
    for url in hidden_facts_filters(partnerships):
        body = client_for(member).get(url).get_data(as_text=True)
        assert "Security contract" in body, url


def test_notifications_tell_only_the_people_of_the_project_and_keep_sensitive_details_out_of_email(
        session, partnerships):
    doctor = partnerships["private"].memberships[1].user
    told = {(n.user_id, n.headline) for n in session.scalars(select(Notification))}
    assert {user_id for user_id, _ in told} == {doctor.id}  # the lead acted; the outsider is in neither project
    assert any(SECRETS["private decision awaiting positions"] in headline for _, headline in told)
    emails = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("decision.%"))))
    assert {email.to_address for email in emails} == {doctor.email}
    for email in emails:
        for secret in (CONFIDENTIAL_REASON, SECRETS["confidential rationale"]):
            assert secret not in email.text_body and secret not in email.html_body


def test_digests_go_only_to_people_of_a_project_and_keep_sensitive_details_out(session, partnerships):
    lead, doctor = (membership.user for membership in partnerships["private"].memberships)
    for person in (lead, doctor, partnerships["outsider"]):
        session.add(NotificationSettings(user_id=person.id, digest_frequency=DigestFrequency.DAILY))
    session.commit()
    # Tomorrow morning's daily digest covers today, when the decisions above were proposed.
    tomorrow = datetime.combine(date.today() + timedelta(days=1), time(8), tzinfo=LONDON)
    assert digests.send_digests_for(due_period(DigestFrequency.DAILY, tomorrow), tomorrow) == 2

    sent = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")))
    assert {message.to_address for message in sent} == {lead.email, doctor.email}
    doctors = next(message for message in sent if message.to_address == doctor.email)
    assert SECRETS["private decision awaiting positions"] in doctors.text_body
    for message in sent:
        for secret in (CONFIDENTIAL_REASON, SECRETS["confidential rationale"], SECRETS["confidential amount"],
                       SECRETS["confidential position reason"], SECRETS["link in a held email"]):
            assert secret not in message.text_body and secret not in message.html_body


def test_people_of_the_project_see_what_waits_for_moderation_and_who_raised_it(client_for, partnerships):
    member = partnerships["published"].memberships[0].user
    slug = partnerships["published"].slug
    log = client_for(member).get(f"/projects/{slug}/barriers").get_data(as_text=True)
    assert SECRETS["barrier awaiting moderation"] in log and SECRETS["member raiser's name"] in log
    approved = partnerships["barriers"][0]
    assert SECRETS["public raiser's name"] in client_for(member).get(f"/projects/{slug}/barriers/{approved}").get_data(
        as_text=True)
    assert SECRETS["unpublished lesson"] in client_for(member).get(f"/projects/{slug}/learning").get_data(as_text=True)
