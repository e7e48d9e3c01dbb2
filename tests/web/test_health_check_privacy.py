"""Nobody is exposed by the health check: an attacker who reads every view, download and
API document of a round, as a partner and as the public, and subtracts every figure from
every other, never isolates fewer than three answers; the one person of the only small
organisation is never named, nor their comment shown with it. And rounds stay private
to their partnership until a lead publishes them on a published project."""
import csv
import io
import itertools
from datetime import date, timedelta

import pytest

import factories
from localvision.domain.vocabulary import HealthStatement, Sector
from localvision.permissions import policy
from localvision.services import health_checks
from localvision.services.health_checks import RoundDetails, compute_health_check_results

LONE_ORGANISATION = "Devonport GP Practice"
LONE_COMMENT = "I am the only GP in this partnership"
STATEMENTS = [statement.value for statement in HealthStatement]


@pytest.fixture
def partnership(session):
    """Council 4 answers, Riverside Trust 3, the GP practice 1 (NHS, like the trust),
    police 2, a charity 1. A naive "by organisation" table would show the trust, and
    "NHS minus the trust" would then be the GP's own answer."""
    groups = {
        ("Plymouth City Council", Sector.LOCAL_AUTHORITY): [5, 5, 4, 4],
        ("Riverside NHS Trust", Sector.NHS): [3, 3, 2],
        (LONE_ORGANISATION, Sector.NHS): [1],
        ("Devon and Cornwall Police", Sector.POLICE): [4, 2],
        ("Harbour Street Outreach", Sector.VOLUNTARY_AND_COMMUNITY): [3],
    }
    people = {}
    for (name, sector), ratings in groups.items():
        organisation = factories.organisation(name, sector)
        people[name] = [(factories.user(organisation), rating) for rating in ratings]
    lead = people["Plymouth City Council"][0][0]
    everyone = [person for group in people.values() for person, _ in group]
    organisations = {person.organisation for person in everyone}
    project = factories.project(lead=lead, partners=tuple(organisations), members=tuple(everyone[1:]), published=True)
    session.commit()
    context = policy.context_for(lead, project)
    health_check = health_checks.open_round(context, RoundDetails("Spring", date.today(), date.today() + timedelta(days=7)))
    for group in people.values():
        for person, rating in group:
            comment = {HealthStatement.TEAM_WORKING: LONE_COMMENT} if person.organisation.name == LONE_ORGANISATION else {}
            health_checks.answer_round(policy.context_for(person, project), health_check,
                                       {statement: rating for statement in HealthStatement}, comment)
    health_checks.close_round(context, health_check)
    compute_health_check_results(health_check.id)
    health_checks.set_round_publication(context, health_check, True)
    return {"project": project, "round": health_check, "lead": lead, "member": everyone[-1]}


def _groups_from_csv(text: str) -> list[tuple[str, int, dict[str, float]]]:
    """(group, answers, statement → sum of ratings) for each group in the download."""
    rows = list(csv.DictReader(io.StringIO(text)))
    groups: dict[tuple[str, str], tuple[int, dict[str, float]]] = {}
    for row in rows:
        key = (row["Group"], row["Name"])
        answers = int(row["Answers"])
        _, sums = groups.setdefault(key, (answers, {}))
        sums[row["Statement"]] = float(row["Mean (1-5)"]) * answers
    return [(f"{group}: {name}", answers, sums) for (group, name), (answers, sums) in groups.items()]


def _groups_from_api(document: dict) -> list[tuple[str, int, dict[str, float]]]:
    found = []
    for round_document in document["data"]:
        overall = {figures["statement"]: figures["mean"] * round_document["answers"]
                   for figures in round_document["overall"]}
        found.append(("all", round_document["answers"], overall))
        for entry in round_document["by_organisation"] + round_document["by_sector"]:
            found.append((entry["name"], entry["answers"],
                          {figures["statement"]: figures["mean"] * entry["answers"] for figures in entry["statements"]}))
    return found


def _isolated_small_groups(groups: list[tuple[str, int, dict[str, float]]]) -> list[str]:
    """Every figure minus every combination of other figures it could contain: any result of
    one or two answers with sums that fit is a small group exposed."""
    exposed = []
    for index, (name, answers, sums) in enumerate(groups):
        others = groups[:index] + groups[index + 1:]
        for size in range(1, len(others) + 1):
            for subtracted in itertools.combinations(others, size):
                left = answers - sum(other[1] for other in subtracted)
                if left not in (1, 2):
                    continue
                remaining = {key: sums[key] - sum(other[2].get(key, 0) for other in subtracted) for key in sums}
                if all(left * 1 - 1e-6 <= value <= left * 5 + 1e-6 for value in remaining.values()):
                    exposed.append(f"{name} minus {[other[0] for other in subtracted]} leaves {left}")
    return exposed


def test_no_view_or_download_lets_anyone_subtract_their_way_to_one_person(client_for, partnership):
    project, health_check = partnership["project"], partnership["round"]
    base = f"/projects/{project.slug}/health-check/{health_check.id}"
    anonymous, member = client_for(None), client_for(partnership["member"])

    csv_text = anonymous.get(f"{base}/results.csv").get_data(as_text=True)
    api = anonymous.get(f"/api/v1/projects/{project.slug}/health-checks").get_json()
    # Filters an attacker might try are ignored: the download is the same whatever is asked.
    for query in ("?organisation=Devonport", "?sector=nhs", "?group=organisation&minimum=1"):
        assert anonymous.get(f"{base}/results.csv{query}").get_data(as_text=True) == csv_text
    assert member.get(f"{base}/results.csv").get_data(as_text=True) == csv_text

    csv_groups, api_groups = _groups_from_csv(csv_text), _groups_from_api(api)
    # The groups shown: the council on its own; NHS as a whole (trust and practice together,
    # since showing the trust would expose the practice); police and charity together.
    assert sorted((name, answers) for name, answers, _ in csv_groups) == [
        ("All partners: ", 11), ("Organisation: Plymouth City Council", 4), ("Other partners: Other partners", 7),
        ("Other sectors: Other sectors", 3), ("Sector: Local authority", 4), ("Sector: NHS / health care", 4)]
    assert _isolated_small_groups(csv_groups) == []
    assert _isolated_small_groups(api_groups) == []

    pages = {
        "public page": anonymous.get(base).get_data(as_text=True),
        "partner's page": member.get(base).get_data(as_text=True),
        "public list": anonymous.get(f"/projects/{project.slug}/health-check").get_data(as_text=True),
        "download": csv_text,
        "api": str(api),
    }
    for view, body in pages.items():
        assert LONE_ORGANISATION not in body, view
    # The comment reaches the partnership only, away from any organisation's name.
    assert LONE_COMMENT in pages["partner's page"]
    for view in ("public page", "download", "api"):
        assert LONE_COMMENT not in pages[view], view
    comments = pages["partner's page"].split('id="comments"')[1].split("</ul>")[0]
    assert LONE_COMMENT in comments and "NHS" not in comments and "GP Practice" not in comments


def test_across_two_rounds_only_groups_of_three_or_more_are_compared(client_for, partnership, session):
    """A second round with one more answer: change is given for the whole partnership, and
    every group of either round is at least three answers."""
    project, lead = partnership["project"], partnership["lead"]
    context = policy.context_for(lead, project)
    second = health_checks.open_round(context, RoundDetails("Summer", date.today(), date.today() + timedelta(days=7)))
    for membership in project.memberships:
        health_checks.answer_round(policy.context_for(membership.user, project), second,
                                   {statement: 3 for statement in HealthStatement}, {})
    health_checks.close_round(context, second)
    compute_health_check_results(second.id)
    figures = second.result.figures
    assert figures["previous"]["id"] == partnership["round"].id
    assert set(figures["changes"]) == set(STATEMENTS)
    for result in (figures, partnership["round"].result.figures):
        for entry in result["by_organisation"] + result["by_sector"]:
            assert entry["answers"] >= 3


def test_a_private_round_is_found_by_nobody_outside_the_partnership(client_for, partnership, session):
    project, health_check = partnership["project"], partnership["round"]
    base = f"/projects/{project.slug}/health-check/{health_check.id}"
    health_checks.set_round_publication(policy.context_for(partnership["lead"], project), health_check, False)
    other_lead = factories.user(factories.organisation("Kent County Council"))
    factories.project(lead=other_lead, published=True)
    session.commit()
    for visitor in (None, other_lead):
        client = client_for(visitor)
        for url in (base, f"{base}/results.csv"):
            assert client.get(url).status_code == 404, (visitor, url)
        assert "Spring" not in client.get(f"/projects/{project.slug}/health-check").get_data(as_text=True)
        assert client.get(f"/api/v1/projects/{project.slug}/health-checks").get_json()["data"] == []
    assert client_for(partnership["member"]).get(base).status_code == 200


def test_published_results_of_a_private_project_stay_private(client_for, partnership, session):
    project = partnership["project"]
    project.is_published = False
    session.commit()
    base = f"/projects/{project.slug}/health-check/{partnership['round'].id}"
    assert client_for(None).get(base).status_code == 404
    assert client_for(None).get(f"/api/v1/projects/{project.slug}/health-checks").status_code == 404


def test_only_leads_open_close_and_publish_and_only_partner_people_answer(client_for, partnership, session):
    project, health_check = partnership["project"], partnership["round"]
    base = f"/projects/{project.slug}/health-check"
    member = client_for(partnership["member"])
    assert member.get(f"{base}/new").status_code == 403
    assert member.post(f"{base}/{health_check.id}/publication", data={"publish": "0"}).status_code == 403
    assert member.post(f"{base}/{health_check.id}/close").status_code == 403
    admin = factories.user(factories.organisation("Platform team", Sector.BUSINESS), is_admin=True)
    session.commit()
    assert client_for(admin).get(f"{base}/{health_check.id}/answer").status_code == 403
    assert health_check.is_published


def test_the_attacker_would_find_the_lone_respondent_in_a_naive_table():
    """The subtraction above has teeth: a table showing every organisation of three or more
    and every sector gives the GP practice away."""
    naive = [("NHS / health care", 4, {"direction": 9.0}), ("Riverside NHS Trust", 3, {"direction": 8.0}),
             ("Plymouth City Council", 4, {"direction": 18.0})]
    assert _isolated_small_groups(naive) == ["NHS / health care minus ['Riverside NHS Trust'] leaves 1"]
