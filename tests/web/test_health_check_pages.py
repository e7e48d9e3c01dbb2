"""The health check as partners use it: a lead opens a round, people answer through the
form, the lead closes it, and the results page reads as the partnership needs it."""
from datetime import date, timedelta

import factories
from localvision.domain.vocabulary import HealthStatement, Sector
from localvision.models import HealthCheckRound
from localvision.queries.health_checks import METHOD
from localvision.permissions import policy
from localvision.services.health_checks import compute_health_check_results, set_round_publication
from support import day_month_year


def _answers(rating: int, comment: str = "") -> dict:
    form = {statement.value: str(rating) for statement in HealthStatement}
    if comment:
        form["direction_comment"] = comment
    return form


def test_a_round_from_opening_to_published_results(client_for, session):
    council = factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)
    trust = factories.organisation("University Hospitals Plymouth", Sector.NHS)
    lead = factories.user(council, name="Priya Shah")
    colleagues = [factories.user(council) for _ in range(2)]
    doctors = [factories.user(trust) for _ in range(3)]
    project = factories.project(lead=lead, partners=(trust,), members=(*colleagues, *doctors), published=True)
    session.commit()
    base = f"/projects/{project.slug}/health-check"

    lead_client = client_for(lead)
    opened = lead_client.post(f"{base}/new", data={"title": "Spring 2027", "opens_on": day_month_year(date.today()),
                                                   "closes_on": day_month_year(date.today() + timedelta(days=14))})
    assert opened.status_code == 302
    health_check = session.query(HealthCheckRound).one()

    form_page = client_for(doctors[0]).get(f"{base}/{health_check.id}/answer").get_data(as_text=True)
    assert HealthStatement.COMMITMENT.label in form_page and "Strongly agree" in form_page
    missing = client_for(doctors[0]).post(f"{base}/{health_check.id}/answer", data={"direction": "4"})
    assert missing.status_code == 200 and "Choose how far you agree: Commitment" in missing.get_data(as_text=True)

    for person, rating in zip([lead, *colleagues, *doctors], [5, 4, 4, 2, 2, 3]):
        answered = client_for(person).post(f"{base}/{health_check.id}/answer",
                                           data=_answers(rating, "More joint budgets please" if rating == 3 else ""))
        assert answered.status_code == 302
    again = client_for(doctors[0]).get(f"{base}/{health_check.id}/answer")
    assert again.status_code == 302  # answered already: back to the round
    waiting = lead_client.get(f"{base}/{health_check.id}").get_data(as_text=True)
    assert "6 people have answered so far" in waiting and "Mean" not in waiting

    asked = lead_client.post(f"{base}/{health_check.id}/close").get_data(as_text=True)
    assert "Close Spring 2027 now?" in asked and "6 people have answered so far" in asked
    assert health_check.closed_at is None
    assert lead_client.post(f"{base}/{health_check.id}/close", data={"confirmed": "yes"}).status_code == 302
    assert "The results are being computed" in lead_client.get(f"{base}/{health_check.id}").get_data(as_text=True)
    compute_health_check_results(health_check.id)
    assert client_for(None).get(f"{base}/{health_check.id}").status_code == 404

    page = lead_client.get(f"{base}/{health_check.id}").get_data(as_text=True)
    assert "Computed" in page and "ago" in page
    # All partners: 5+4+4+2+2+3 = 20 over 6 = 3.3; council 13/3 = 4.3; trust 7/3 = 2.3.
    assert "Mean 3.3 out of 5; 50% agree" in page
    assert "Local authority (4.3)" in page and "NHS / health care (2.3)" in page
    assert "More joint budgets please" in page
    assert "This is the first round" in page
    assert "data-health-chart" in page and "What partners did" in page

    lead_client.post(f"{base}/{health_check.id}/publication", data={"publish": "1"})
    public = client_for(None).get(f"{base}/{health_check.id}").get_data(as_text=True)
    assert "Mean 3.3 out of 5" in public and "More joint budgets please" not in public
    assert "Spring 2027" in client_for(None).get(base).get_data(as_text=True)


def test_change_since_the_last_round_states_its_method(client_for, session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    people = [lead, doctor] + [factories.user(lead.organisation) for _ in range(2)]
    rounds = []
    for title, rating, days_ago in (("Winter", 2, 60), ("Spring", 4, 10)):
        made = factories.health_check_round(project, lead, title=title, opens_in_days=-days_ago,
                                            closes_in_days=-days_ago + 5)
        for person in people:
            factories.health_check_answer(made, person, rating)
        made.closed_at = factories.datetime.now(factories.timezone.utc)
        rounds.append(made)
    session.commit()
    for made in rounds:
        compute_health_check_results(made.id)
    page = client_for(lead).get(f"/projects/{project.slug}/health-check/{rounds[1].id}").get_data(as_text=True)
    assert "Compared with" in page and "Winter" in page
    assert METHOD.split(".")[0] in page.replace("&#39;", "'")
    # Four 2s then four 4s: 2 of C(8,4) = 70 splits reach a difference of 2; Holm times 9: 18/70.
    assert "+2.0" in page and "0.257" in page and "Could be noise" in page


def test_the_page_asks_again_while_results_are_computed_and_reloads_once_they_are_in(client_for, session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    made = factories.health_check_round(project, lead, opens_in_days=-9, closes_in_days=-2)
    made.closed_at = factories.datetime.now(factories.timezone.utc)
    session.commit()
    client = client_for(lead)
    url = f"/projects/{project.slug}/health-check/{made.id}"
    waiting = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="load delay:3s"' in waiting.get_data(as_text=True) and "<html" not in waiting.get_data(as_text=True)
    compute_health_check_results(made.id)
    assert client.get(url, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"


def test_the_public_project_page_links_to_the_newest_published_results(client, session):
    lead = factories.user()
    project = factories.project(lead=lead, published=True)
    rounds = {}
    for title, opened_days_ago in (("Autumn 2026", 200), ("Spring 2027", 30), ("Summer 2027", 10)):
        rounds[title] = factories.health_check_round(project, lead, title=title, opens_in_days=-opened_days_ago,
                                                     closes_in_days=-opened_days_ago + 7)
        factories.health_check_answer(rounds[title], lead)
        rounds[title].closed_at = factories.datetime.now(factories.timezone.utc)
    session.commit()
    for health_check in rounds.values():
        compute_health_check_results(health_check.id)
    page = f"/projects/{project.slug}"
    assert "How the partnership is working" not in client.get(page).get_data(as_text=True)

    for title in ("Autumn 2026", "Spring 2027"):
        set_round_publication(policy.context_for(lead, project), rounds[title], True)
    shown = client.get(page).get_data(as_text=True)
    assert "How the partnership is working" in shown
    assert f'href="{page}/health-check/{rounds["Spring 2027"].id}">Read the results of Spring 2027</a>' in shown
    assert "Summer 2027" not in shown and "Autumn 2026" not in shown
    assert f'href="{page}/health-check">every published health check</a>' in shown
