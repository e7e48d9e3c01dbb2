import pytest

from localvision.domain.markdown_text import render_markdown


def test_markdown_becomes_styled_html():
    html = render_markdown("## Our aim\n\nFewer people drinking on the street **after midnight**.\n\n- safer\n- healthier")
    assert '<h2 class="govuk-heading-m">Our aim</h2>' in html
    assert "<strong>after midnight</strong>" in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<p onclick="alert(1)">text</p>',
        "<iframe src='https://evil.example'></iframe>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
    ],
)
def test_hostile_markdown_never_reaches_the_page(hostile):
    html = str(render_markdown(hostile)).lower()
    for dangerous in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert dangerous not in html


def test_links_are_kept_but_cannot_open_the_page_to_others():
    html = render_markdown("[Plymouth](https://www.plymouth.gov.uk)")
    assert 'href="https://www.plymouth.gov.uk"' in html and 'rel="noopener noreferrer nofollow"' in html
