"""Markdown written by partners, rendered to HTML that is safe to put on any page.

Rendered once, when the text is saved (the models keep the HTML beside the text), by
cmark-gfm, GitHub's C implementation of CommonMark: its time grows with the length of
the text, even for input made to be slow (thousands of ``[](<``), where pure-Python
parsers took seconds. Raw HTML is left out by the parser and the result sanitised again.
"""
from __future__ import annotations

import re

import cmarkgfm
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Classes GOV.UK Frontend styles, added after sanitising so partners cannot add their own.
GOVUK_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<a ": '<a class="govuk-link" ',
}


# Quotes nest this deep at most; deeper markers stay as text. Thousands of nested quotes
# made the sanitiser take seconds, and no partner quotes a quote ten times over.
QUOTE_DEPTH = 10
_DEEP_QUOTE = re.compile(r"^((?: {0,3}> ?){%d})((?: {0,3}> ?)+)" % QUOTE_DEPTH, re.MULTILINE)


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML: no script, no event handlers, no javascript: links."""
    text = _DEEP_QUOTE.sub(lambda match: match.group(1) + match.group(2).replace(">", "\\>"), text or "")
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    for plain, styled in GOVUK_CLASSES.items():
        clean = clean.replace(plain, styled)
    return clean
