"""The learning log: lessons by phase, published one by one, searchable across published projects."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted
from localvision.domain.vocabulary import Phase
from localvision.extensions import db
from localvision.models import LearningEntry
from localvision.permissions import policy
from localvision.services import learning


@pytest.fixture
def partnership(session):
    lead, member = factories.council_and_trust()
    project = factories.two_partner_project(lead, member, title="Safer nights")
    decision = factories.decision(project, lead, title="Night outreach")
    indicator = factories.indicator(project, name="A&E attendances after midnight")
    session.commit()
    return {"project": project, "lead": lead, "member": member, "decision": decision, "indicator": indicator}


def test_a_member_writes_a_lesson_that_stays_private_until_a_lead_publishes_it(client_for, partnership):
    slug = partnership["project"].slug
    member = client_for(partnership["member"])
    saved = member.post(f"/projects/{slug}/learning/new", data={
        "phase": "design", "title": "Ask the night workers first",
        "tried": "We designed the outreach from daytime data.",
        "happened": "The first month missed the hours after 2am.",
        "differently": "Walk the route at night with the street pastors before designing anything.",
        "decision_ids": [str(partnership["decision"].id)], "indicator_ids": [str(partnership["indicator"].id)]})
    entry = db.session.scalar(select(LearningEntry))
    assert saved.headers["Location"].endswith(f"/learning/{entry.id}")
    assert entry.phase == Phase.DESIGN and [d.title for d in entry.decisions] == ["Night outreach"]
    assert not entry.is_published

    anonymous = client_for(None)
    public_pages = [f"/projects/{slug}/learning", f"/projects/{slug}/learning.csv",
                    f"/api/v1/projects/{slug}/learning", "/learning?q=night+workers", f"/projects/{slug}"]
    assert all("Ask the night workers first" not in anonymous.get(page).get_data(as_text=True)
               for page in public_pages)
    assert anonymous.get(f"/projects/{slug}/learning/{entry.id}").status_code == 404

    # A member may not publish; a lead may.
    assert member.post(f"/projects/{slug}/learning/{entry.id}/publication", data={"publish": "1"}).status_code == 403
    client_for(partnership["lead"]).post(f"/projects/{slug}/learning/{entry.id}/publication", data={"publish": "1"})
    assert all("Ask the night workers first" in anonymous.get(page).get_data(as_text=True) for page in public_pages[:-1])
    assert "1 lesson published" in anonymous.get(f"/projects/{slug}").get_data(as_text=True)
    page = anonymous.get(f"/projects/{slug}/learning").get_data(as_text=True)
    assert "What we learned" in page and "Walk the route at night" in page
    [lesson] = anonymous.get(f"/api/v1/projects/{slug}/learning").get_json()["data"]
    assert lesson["phase"] == "design" and lesson["decisions"] == [partnership["decision"].id]
    assert lesson["indicators"] == ["A&E attendances after midnight"]
    assert "Night outreach" in anonymous.get(f"/projects/{slug}/learning.csv").get_data(as_text=True)

    trail = client_for(partnership["lead"]).get(f"/projects/{slug}/audit").get_data(as_text=True)
    assert "added the lesson ‘Ask the night workers first’ to the learning log" in trail
    assert "published the lesson ‘Ask the night workers first’" in trail


def test_search_finds_published_lessons_of_published_projects_only(client_for, partnership, session):
    lead = partnership["lead"]
    factories.lesson(partnership["project"], lead, title="Pool budgets early", published=True,
                     tried="A pooled budget for the night bus")
    factories.lesson(partnership["project"], lead, title="Draft about the pooled budget", published=False,
                     tried="A pooled budget nobody agreed")
    private = factories.project(lead=lead, title="Private pilot")
    factories.lesson(private, lead, title="Private pooled budget lesson", published=True, tried="A pooled budget")
    other = factories.project(lead=lead, published=True, title="Food and wellbeing", place="Cornwall")
    factories.lesson(other, lead, title="Markets need a budget", published=True, phase=Phase.DELIVER,
                     tried="Pooled BUDGET for markets, 100% of it from one partner")
    session.commit()
    page = client_for(None).get("/learning?q=POOLED+budget").get_data(as_text=True)
    assert "2 lessons match your search" in page
    assert "Pool budgets early" in page and "Markets need a budget" in page
    assert "Draft about" not in page and "Private pooled" not in page
    # Every word must appear; a percent sign is a character, not a wildcard.
    assert "1 lesson matches" in client_for(None).get("/learning?q=100%25").get_data(as_text=True)
    assert "0 lessons match" in client_for(None).get("/learning?q=pooled+zebra").get_data(as_text=True)
    assert client_for(None).get("/learning?q=" + "x" * 201).get_data(as_text=True).count("200 characters or fewer")
    found = client_for(None).get("/api/v1/learning?q=POOLED+budget").get_json()
    assert found["meta"]["total"] == 2 and {lesson["project"] for lesson in found["data"]} == {
        partnership["project"].slug, other.slug}
    assert client_for(None).get("/api/v1/learning?q=" + "x" * 201).status_code == 400


def test_lessons_belong_to_their_project_and_phase(partnership):
    context = policy.context_for(partnership["lead"], partnership["project"])
    other = factories.project(lead=partnership["lead"])
    foreign = factories.decision(other, partnership["lead"])
    details = learning.LessonDetails(phase=Phase.DISCOVER, title="T", tried="a", happened="b", differently="c",
                                     decision_ids=(foreign.id,))
    with pytest.raises(learning.Refused):
        learning.add_lesson(context, details)
    with pytest.raises(learning.Refused):
        learning.add_lesson(context, learning.LessonDetails(phase=Phase.CLOSED, title="T", tried="a", happened="b",
                                                            differently="c"))
    outsider = factories.user(factories.organisation())
    with pytest.raises(NotPermitted):
        learning.add_lesson(policy.context_for(outsider, partnership["project"]),
                            learning.LessonDetails(phase=Phase.DISCOVER, title="T", tried="a", happened="b",
                                                   differently="c"))
