"""Sign-in limits: a username is locked out from an address after repeated failures (django-axes)
on the sign-in page, the admin's and the token endpoint alike; sign-in attempts are throttled per
client address; the client address is read only as far as trusted proxies vouch for it."""

import uuid

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core.client_address import client_address
from core.throttling import SignInRateThrottle

PASSWORD = "pw-for-tests-only"  # the `user` fixture's

pytestmark = pytest.mark.django_db


@pytest.fixture
def address() -> str:
    """An address of this test's own: limits are counted per address."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"


def sign_in(address: str, password: str, username: str = "ada"):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_repeated_failures_lock_the_username_out_from_that_address(user, settings, address):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(address, "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(address, "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert b"Too many failed sign-ins" in locked.content

    assert sign_in(address, PASSWORD).status_code == 429  # even the right password, for now
    api = APIClient(REMOTE_ADDR=address).post(
        "/api/v1/core/tokens/", {"username": "ada", "password": PASSWORD}, format="json"
    )
    assert (api.status_code, api.json()["code"]) == (429, "too_many_attempts")
    assert int(api["Retry-After"]) > 0

    assert sign_in("10.250.250.1", PASSWORD).status_code == 302  # from elsewhere: not locked


def test_the_admin_sign_in_counts_towards_the_lockout(user, settings, address):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=address).post("/admin/login/", {"username": "ada", "password": "wrong"})
    assert sign_in(address, PASSWORD).status_code == 429


def test_a_success_resets_the_count(user, settings, address):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(address, "wrong")
    assert sign_in(address, PASSWORD).status_code == 302
    assert sign_in(address, "wrong").status_code == 200  # counting starts again


def test_sign_in_attempts_are_throttled_per_address(user, monkeypatch, address):
    monkeypatch.setattr(SignInRateThrottle, "THROTTLE_RATES", {"sign_in": "3/min"})
    assert [sign_in(address, PASSWORD).status_code for _ in range(3)] == [302, 302, 302]
    refused = sign_in(address, PASSWORD)
    assert refused.status_code == 429
    assert b"Too many sign-in attempts" in refused.content
    assert int(refused["Retry-After"]) > 0
    api = APIClient(REMOTE_ADDR=address).post(
        "/api/v1/core/tokens/", {"username": "ada", "password": PASSWORD}, format="json"
    )
    assert (api.status_code, api.json()["code"]) == (429, "throttled")
    assert sign_in("10.250.250.2", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.1"),  # no trusted proxy: the header is anyone's to write
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.66, 203.0.113.5", "203.0.113.5"),  # a forged entry prepended
        (2, "198.51.100.66, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "192.0.2.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", **headers)
    assert client_address(request) == expected
