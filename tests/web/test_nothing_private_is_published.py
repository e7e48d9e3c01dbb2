"""Nothing private reaches the public: a private project, a commercially sensitive
decision's details and drafts of the vision appear on no page, feed or download that a
visitor without a place in the project can open."""
import pytest
from flask import url_for

import factories
from localvision.extensions import db
from localvision.models import DecisionStance, DecisionStatus, PartnerStatus, ProjectPartner, Stance
from localvision.services import mail

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
}


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
    session.commit()
    return {"published": published, "private": private, "outsider": factories.user(lead.organisation),
            "decisions": [grant.id, confidential.id, private_decision.id],
            "indicators": [indicator.id, private_indicator.id],
            "measurements": [public_measurement.id, private_measurement.id], "imports": [pending.id],
            "messages": [held.id],
            "comments": [comment.id]}


def every_get_url(app, partnerships) -> list[str]:
    """Each GET route, with every project, decision and version number there is."""
    values = {"slug": [partnerships["published"].slug, partnerships["private"].slug],
              "decision_id": partnerships["decisions"], "number": [1, 2], "filename": ["images/favicon.svg"],
              "token": ["not-a-real-invitation"], "job_id": ["no-such-job"], "partner_id": [1], "membership_id": [1],
              "invited_id": [1, 2, 3], "organisation_id": [1, 2, 3],
              "contribution_id": [1], "action_id": [1], "indicator_id": partnerships["indicators"],
              "measurement_id": partnerships["measurements"], "import_id": partnerships["imports"],
              "message_id": partnerships["messages"],
              "comment_id": partnerships["comments"]}
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


@pytest.mark.parametrize("visitor", ["anonymous", "outsider"])
def test_no_private_record_appears_anywhere_public(app, client_for, partnerships, visitor):
    client = client_for(partnerships["outsider"] if visitor == "outsider" else None)
    urls = every_get_url(app, partnerships) + ["/projects?q=merger", "/api/v1/projects?q=merger"]
    leaks = []
    for url in urls:
        db.session.remove()
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        leaks += [f"{url}: {name}" for name, secret in SECRETS.items() if secret in body]
    assert leaks == []
    assert len(urls) > 40


def test_people_of_the_project_do_see_it(client_for, partnerships):
    """The secrets above are real words on real pages: their absence is not a typo."""
    member = partnerships["private"].memberships[0].user
    assert SECRETS["private project"] in client_for(member).get(f"/projects/{partnerships['private'].slug}").get_data(
        as_text=True)
    csv = client_for(member).get(f"/projects/{partnerships['published'].slug}/contributions.csv").get_data(as_text=True)
    assert SECRETS["confidential amount"] in csv
