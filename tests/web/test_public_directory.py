"""The public directory of published projects: search, filters, pages, shareable links."""
import re
from functools import partial
from urllib.parse import parse_qs, urlparse

import pytest

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import PartnerStatus, Phase, Sector, Stance
from localvision.extensions import db
from localvision.models import ProjectPartner
from localvision.queries.vision import agreed_vision, agreed_vision_text
from localvision.web.public.routes import DIRECTORY_PAGE_SIZE


@pytest.fixture
def partnerships(session):
    council = factories.organisation("Cornwall Council", Sector.LOCAL_AUTHORITY)
    police = factories.organisation("Devon and Cornwall Police", Sector.POLICE)
    food_bank = factories.organisation("Birkenhead Food Bank", Sector.VOLUNTARY_AND_COMMUNITY)
    lead = factories.user(council)
    projects = {
        "drinking": factories.project(lead=lead, published=True, title="Reducing late-night street drinking",
                                      place="Plymouth", theme="Street drinking", partners=(police,), phase=Phase.DELIVER),
        "food": factories.project(lead=lead, published=True, title="Health and wellbeing through food",
                                  place="Cornwall", theme="Food poverty", summary="Community cafes and surplus food",
                                  partners=(food_bank,), phase=Phase.DESIGN),
        "wirral": factories.project(lead=factories.user(food_bank), published=True, title="Food networks",
                                    place="The Wirral", theme="Food poverty", phase=Phase.DELIVER),
        "secret": factories.project(lead=lead, title="Secret food plans", place="Cornwall", theme="Food poverty"),
    }
    session.commit()
    return projects


def titles(page: str, projects: dict) -> set[str]:
    return {key for key, project in projects.items() if project.title in page}


def test_lists_published_projects_only(client, partnerships):
    page = client.get("/projects").get_data(as_text=True)
    assert titles(page, partnerships) == {"drinking", "food", "wirral"}
    assert "3 projects" in page


def test_search_finds_every_word_in_title_place_theme_or_summary(client, partnerships):
    assert titles(client.get("/projects?q=food").get_data(as_text=True), partnerships) == {"food", "wirral"}
    assert titles(client.get("/projects?q=CAFES+cornwall").get_data(as_text=True), partnerships) == {"food"}
    page = client.get("/projects?q=nothing-like-this").get_data(as_text=True)
    assert titles(page, partnerships) == set() and "No published project matches" in page


def test_search_treats_wildcards_as_ordinary_characters(client, partnerships):
    assert titles(client.get("/projects?q=%25").get_data(as_text=True), partnerships) == set()


def test_filters_by_partner_sector_phase_and_place(client, partnerships):
    assert titles(client.get("/projects?sector=police").get_data(as_text=True), partnerships) == {"drinking"}
    both = client.get("/projects?sector=police&sector=voluntary_and_community").get_data(as_text=True)
    assert titles(both, partnerships) == {"drinking", "food", "wirral"}
    assert titles(client.get("/projects?phase=design").get_data(as_text=True), partnerships) == {"food"}
    assert titles(client.get("/projects?place=the+wirral").get_data(as_text=True), partnerships) == {"wirral"}
    combined = client.get("/projects?q=food&phase=deliver&sector=voluntary_and_community").get_data(as_text=True)
    assert titles(combined, partnerships) == {"wirral"}


def test_the_search_form_shows_what_was_asked(client, partnerships):
    page = client.get("/projects?q=food&sector=police&place=Cornwall").get_data(as_text=True)
    assert 'value="food"' in page
    assert 'value="police" checked' in page
    assert '<option value="Cornwall" selected>' in page


def test_an_unknown_filter_value_is_explained_next_to_its_field(client, partnerships):
    response = client.get("/projects?sector=martians&phase=deliver")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Choose sectors from the list" in page
    assert 'href="#sector"' in page


def test_a_nul_character_in_the_search_is_refused_with_a_message(client, partnerships):
    response = client.get("/projects?q=fo%00od&place=Corn%00wall")
    assert response.status_code == 400
    assert "The address contains a null character" in response.get_data(as_text=True)


def test_pages_keep_the_search_in_their_links(client, session):
    lead = factories.user()
    for number in range(DIRECTORY_PAGE_SIZE + 5):
        factories.project(lead=lead, published=True, title=f"Food project {number:02d}", theme="Food")
    factories.project(lead=lead, published=True, title="Something else", theme="Housing")
    session.commit()
    first = client.get("/projects?q=food").get_data(as_text=True)
    assert f"{DIRECTORY_PAGE_SIZE + 5} projects match your search" in first
    assert "Food project 00" in first and "Food project 24" not in first
    next_link = first.split('class="govuk-pagination__next"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlparse(next_link).query) == {"q": ["food"], "page": ["2"]}
    second = client.get(next_link).get_data(as_text=True)
    assert "Food project 24" in second and "Food project 00" not in second and "Something else" not in second


def test_a_page_past_the_end_offers_the_first(client, partnerships):
    page = client.get("/projects?page=99").get_data(as_text=True)
    assert "There is no page 99" in page
    refused = client.get("/projects?page=notanumber")
    assert refused.status_code == 400
    assert "The page in the address must be a whole number from 1 to 10,000" in refused.get_data(as_text=True)


def found_in_order(client, words: str, projects: dict) -> list[str]:
    page = client.get(f"/projects?q={words}").get_data(as_text=True)
    by_title = {project.title: key for key, project in projects.items()}
    return [by_title[title] for title in sorted((t for t in by_title if t in page), key=page.index)]


def agreed(project, text: str, *people):
    version = factories.vision_version(project, people[0], text=text)
    for person in people:
        factories.vision_position(version, person)
    return version


def test_search_finds_the_agreed_vision_and_ranks_the_title_first_then_summary_and_theme(client, session):
    lead, doctor = factories.council_and_trust()
    project = partial(factories.two_partner_project, lead, doctor, theme="Night-time safety")
    in_vision = project(title="Safer nights", place="Bath")
    agreed(in_vision, "Fewer people hurt by alcohol in our parks.", lead, doctor)
    projects = {
        "title": project(title="Alcohol harm at night", place="York"),
        "summary": project(title="Calmer evenings", place="Leeds", summary="Less alcohol in the parks"),
        "theme": project(title="Night-time economy", place="Derby", theme="Alcohol and safety"),
        "vision": in_vision,
        "elsewhere": project(title="Food networks", place="Ayr"),
    }
    session.commit()
    found = found_in_order(client, "alcohol", projects)
    assert found[0] == "title" and set(found[1:3]) == {"summary", "theme"} and found[3:] == ["vision"]
    assert found_in_order(client, "parks+alcohol", projects) == ["summary", "vision"]


def test_only_the_wording_partners_agree_now_is_searched(client, session):
    lead, doctor = factories.council_and_trust()
    later_draft = factories.two_partner_project(lead, doctor, title="Agreed then redrafted")
    agreed(later_draft, "A city centre that is welcoming at night.", lead, doctor)
    factories.vision_version(later_draft, doctor, text="A riverside that is quiet at night.")
    objected = factories.two_partner_project(lead, doctor, title="Agreed then objected to")
    factories.vision_position(agreed(objected, "Harbourside benches for everyone.", lead, doctor), doctor,
                              Stance.OBJECT)
    newcomer = factories.two_partner_project(lead, doctor, title="Agreed before a partner joined")
    agreed(newcomer, "Lighthouse walks for everyone.", lead, doctor)
    newcomer.partners.append(ProjectPartner(organisation=factories.organisation("Harbour Street Outreach"),
                                            status=PartnerStatus.ACCEPTED))
    private = factories.two_partner_project(lead, doctor, title="Kept private", published=False,
                                            summary="Orchard plans")
    agreed(private, "Orchards across the city.", lead, doctor)
    projects = {"redrafted": later_draft, "objected": objected, "newcomer": newcomer, "private": private}
    session.commit()
    assert found_in_order(client, "welcoming", projects) == ["redrafted"]
    for words in ("riverside", "harbourside", "lighthouse", "orchard", "orchards", "kept+private"):
        assert found_in_order(client, words, projects) == [], words
        assert client.get(f"/api/v1/projects?q={words}").get_json()["meta"]["total"] == 0, words


def agreed_texts(project) -> tuple[str | None, str | None]:
    """The agreed vision's wording as the search reads it, and as the project page shows it."""
    shown = agreed_vision(project)
    return db.session.scalar(select(agreed_vision_text(project.id))), shown.version.text if shown else None


def test_the_search_reads_the_agreed_vision_the_project_page_shows(session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    assert agreed_texts(project) == (None, None)
    first = agreed(project, "First wording.", lead, doctor)
    assert agreed_texts(project) == ("First wording.", "First wording.")
    second = factories.vision_version(project, lead, text="Second wording.")
    factories.vision_position(second, lead)
    assert agreed_texts(project) == ("First wording.", "First wording.")
    factories.vision_position(second, doctor, Stance.ENDORSE_WITH_RESERVATIONS)
    assert agreed_texts(project) == ("Second wording.", "Second wording.")
    factories.vision_position(second, doctor, Stance.OBJECT)
    assert agreed_texts(project) == ("First wording.", "First wording.")
    factories.vision_position(first, lead, Stance.OBJECT)
    assert agreed_texts(project) == (None, None)


def test_postgresql_finds_other_forms_of_a_word(client, session):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite finds a word only as part of another")
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor, title="Reducing late-night street drinking")
    session.commit()
    assert found_in_order(client, "drinks", {"drinking": project}) == ["drinking"]


def test_the_header_has_one_link_to_the_projects_and_it_says_so(client, partnerships):
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    links = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]*)"[^>]*>\s*([^<]*?)\s*</a>', header)
    assert links == [("/projects", "Projects"), ("/sign-in", "Sign in")]
    directory = client.get("/projects").get_data(as_text=True).split("</header>")[0]
    assert 'href="/projects" aria-current="true"' in directory
