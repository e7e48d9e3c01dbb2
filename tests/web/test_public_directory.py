"""The public directory of published projects: search, filters, pages, shareable links."""
from urllib.parse import parse_qs, urlparse

import pytest

import factories
from localvision.domain.vocabulary import Phase, Sector
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
