"""The short path of token-authenticated API requests (core/token_api.py): the browser
middleware skipped, the same security headers, CSRF still guarding sessions."""

import pytest
from rest_framework.test import APIClient

from core.testing import signed_in_client

TOKENS = "/api/v1/core/tokens/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_client(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_token_request_gets_the_headers_of_a_session_request_and_no_cookie(user, session_client):
    by_token = signed_in_client(user).get(TOKENS)
    by_session = session_client.get(TOKENS)
    assert by_token.status_code == by_session.status_code == 200
    keys = [[t["token_key"] for t in answer.json()] for answer in (by_token, by_session)]
    assert keys[0] == keys[1] and len(keys[0]) == 1
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                   "Referrer-Policy", "X-Request-ID"):  # fmt: skip
        assert by_token.has_header(header), header
        if header != "X-Request-ID":
            assert by_token[header] == by_session[header]
    assert not by_token.cookies  # no session or CSRF cookie is touched
    assert by_token.wsgi_request.resolver_match.route  # the metrics' route label is known


def test_csrf_still_guards_session_writes_and_a_token_needs_none(user, session_client):
    refused = session_client.post(TOKENS, {}, format="json")  # no CSRF token: a forged form
    assert refused.status_code == 403
    created = signed_in_client(user).post(TOKENS, {}, format="json")
    assert created.status_code == 201


def test_a_bad_token_or_host_is_refused_and_a_slash_is_still_appended(user):
    assert APIClient(HTTP_AUTHORIZATION="Token not-a-token").get(TOKENS).status_code == 401
    client = signed_in_client(user)
    assert client.get(TOKENS, HTTP_HOST="evil.example").status_code == 400
    assert client.get(TOKENS.rstrip("/")).status_code == 301  # the full stack: APPEND_SLASH
