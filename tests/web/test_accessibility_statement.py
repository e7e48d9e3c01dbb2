def test_statement_gives_the_standard_and_how_to_report_a_problem(app, client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement for Local Vision" in page
    assert "partially compliant with the" in page and "version 2.2</a> AA standard" in page
    assert "320 CSS pixels wide" in page and "not yet tested them with these tools" in page
    contact = app.config["ACCESSIBILITY_CONTACT_EMAIL"]
    assert f'href="mailto:{contact}"' in page
    assert "Enforcement procedure" in page and "Equality Advisory and Support Service" in page


def test_every_page_links_to_the_statement_and_the_directory(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/accessibility"' in page and 'href="/projects"' in page


def test_the_contact_address_comes_from_the_environment(tmp_path):
    from localvision.config import load_config

    config = load_config(tmp_path, {"ACCESSIBILITY_CONTACT_EMAIL": "access@council.example"})
    assert config["ACCESSIBILITY_CONTACT_EMAIL"] == "access@council.example"
