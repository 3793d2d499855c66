"""The Content-Security-Policy header: on every page, scripts and styles from our own files only
(no inline code, no `unsafe-inline`), and pages that keep to it: no inline script or style in
what they serve. A real browser loads the pages under the header in the template's suite."""

from html.parser import HTMLParser

import pytest
from django.test import Client

PAGES = ["/", "/accounts/login/", "/admin/login/", "/api/docs/"]


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, style elements and attributes,
    event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        executable = names.get("type") in (None, "", "text/javascript", "module")
        if tag == "script" and "src" not in names and executable:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        blocked = [name for name in names if name == "style" or name.startswith("on")]
        self.found += [f"{tag}[{name}]" for name in blocked]


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_policy_and_keeps_to_it(path):
    response = Client().get(path)
    assert response.status_code == 200
    rules = policy(response)
    assert rules["script-src"] == ["'self'"] and rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == []


def test_the_checker_finds_inline_code():
    parser = InlineCode()
    parser.feed('<script>alert(1)</script><p style="x" onclick="y">')
    parser.feed('<script type="application/json">{}</script>')  # data, never run
    assert parser.found == ["<script> without src", "p[style]", "p[onclick]"]
