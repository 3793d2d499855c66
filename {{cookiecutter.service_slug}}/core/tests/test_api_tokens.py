"""API tokens (django-rest-knox): created and revoked through the API by their owner, stored as
a digest only, expiring; DRF's plain-text tokens of older services migrate and keep working."""

import hashlib
import importlib
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.testing import signed_in_client

TOKENS = "/api/v1/core/tokens/"
PASSWORD = "pw-for-tests-only"  # the `user` fixture's

pytestmark = pytest.mark.django_db


def from_address() -> dict[str, str]:
    """A client address of its own, so throttle counts of other tests do not interfere."""
    return {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"}


@pytest.fixture
def session_client(user) -> APIClient:
    """Signed in with a session, as the browser and the API docs are (no token yet)."""
    client = APIClient()
    client.force_login(user)
    return client


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def create_with_password(username: str = "ada", password: str = PASSWORD, **extra):
    return APIClient().post(
        TOKENS, {"username": username, "password": password}, format="json",
        **{**from_address(), **extra},
    )  # fmt: skip


def test_a_token_created_with_a_password_works_and_is_stored_as_a_digest_only(user):
    response = create_with_password()
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["token"]
    assert body["token_key"] == token[:15] and body["expiry"]
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.token_key}

    listed = bearer(token).get(TOKENS)
    assert listed.status_code == 200
    assert [(t["token_key"], t["current"]) for t in listed.json()] == [(token[:15], True)]


def test_a_wrong_password_gets_no_token(user):
    response = create_with_password(password="not-the-password")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_a_signed_in_user_creates_one_without_a_password(session_client, user):
    response = session_client.post(TOKENS, {}, format="json")
    assert response.status_code == 201
    assert bearer(response.json()["token"]).get(TOKENS).status_code == 200


def test_an_expired_token_is_refused(user):
    token = create_with_password().json()["token"]
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    response = bearer(token).get(TOKENS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_owner_revokes_a_token_and_nobody_else_can(user, django_user_model):
    token = create_with_password().json()["token"]
    other = signed_in_client(django_user_model.objects.create_user("bob"))
    assert other.delete(f"{TOKENS}{token[:15]}/").status_code == 404
    assert bearer(token).get(TOKENS).status_code == 200

    assert bearer(token).delete(f"{TOKENS}{token[:15]}/").status_code == 204
    assert bearer(token).get(TOKENS).status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_tokens_per_user_are_limited(session_client, user, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    assert [session_client.post(TOKENS).status_code for _ in range(2)] == [201, 201]
    refused = session_client.post(TOKENS)
    assert (refused.status_code, refused.json()["code"]) == (409, "too_many_tokens")
    AuthToken.objects.filter(user=user).update(expiry=timezone.now())  # expired ones do not count
    assert session_client.post(TOKENS).status_code == 201
    assert AuthToken.objects.filter(user=user).count() == 1


def test_listing_needs_a_signed_in_user():
    assert APIClient().get(TOKENS).status_code == 401


def test_the_command_prints_a_working_token(user, capsys):
    call_command("api_token_create", "ada")
    token = capsys.readouterr().out.strip()
    assert bearer(token).get(TOKENS).status_code == 200
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("api_token_create", "nobody")


@pytest.mark.django_db(transaction=True)
def test_a_plain_text_drf_token_of_an_older_service_keeps_working(user):
    """What `migrate` does for a service created before tokens were hashed."""
    migration = importlib.import_module("core.migrations.0003_api_tokens_from_drf")
    quote = connection.ops.quote_name
    legacy_key = uuid.uuid4().hex + "0123abcd"  # DRF's keys: 40 hexadecimal characters
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {quote('authtoken_token')} ({quote('key')} varchar(40) PRIMARY KEY, "
            f"{quote('created')} datetime(6) NOT NULL, {quote('user_id')} integer NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {quote('authtoken_token')} VALUES (%s, %s, %s)",
            [legacy_key, timezone.now().replace(tzinfo=None), user.pk],
        )
    with connection.schema_editor() as editor:
        migration.tokens_from_drf(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert bearer(legacy_key).get(TOKENS).status_code == 200
    migrated = AuthToken.objects.get(user=user)
    assert migrated.digest != legacy_key
    assert migrated.expiry > timezone.now() + timedelta(days=1)


def digest_of(token: str) -> str:
    from knox.crypto import hash_token

    return hash_token(token)


def test_a_token_is_read_from_the_caches_for_a_bounded_time(user):
    from django.core.cache import cache

    from core.token_auth import LOCAL_TOKENS, token_cache_key

    token = create_with_password().json()["token"]
    client = bearer(token)
    assert client.get(TOKENS).status_code == 200  # looked up in the database, then cached
    AuthToken.objects.filter(user=user).delete()  # not through the API: the caches still have it
    assert client.get(TOKENS).status_code == 200  # this process's copy
    LOCAL_TOKENS.clear()  # what its timeout (API_TOKEN_LOCAL_SECONDS) does
    assert client.get(TOKENS).status_code == 200  # the shared cache's
    LOCAL_TOKENS.clear()
    cache.delete(token_cache_key(digest_of(token)))  # ...for at most API_TOKEN_CACHE_SECONDS
    assert client.get(TOKENS).status_code == 401


def test_a_revoked_token_stays_in_another_process_for_the_local_time_only(user):
    from core.token_auth import LOCAL_TOKENS

    token = create_with_password().json()["token"]
    assert bearer(token).get(TOKENS).status_code == 200
    copy = LOCAL_TOKENS.get(digest_of(token))  # what another process holds
    assert bearer(token).delete(f"{TOKENS}{token[:15]}/").status_code == 204
    assert bearer(token).get(TOKENS).status_code == 401  # here and in the shared cache: at once
    LOCAL_TOKENS.put(digest_of(token), copy, 5)  # the other process, until its copy expires
    assert bearer(token).get(TOKENS).status_code == 200
    LOCAL_TOKENS.clear()
    assert bearer(token).get(TOKENS).status_code == 401


def test_a_cached_token_that_expires_is_refused_at_once(user):
    from django.core.cache import cache

    from core.token_auth import LOCAL_TOKENS, token_cache_key

    token = create_with_password().json()["token"]
    assert bearer(token).get(TOKENS).status_code == 200
    past = timezone.now() - timedelta(seconds=1)  # time passes for the record and its copies
    AuthToken.objects.filter(user=user).update(expiry=past)
    key = token_cache_key(digest_of(token))
    record = cache.get(key)
    record.expiry = past
    cache.set(key, record)
    LOCAL_TOKENS.get(digest_of(token)).expiry = past
    assert bearer(token).get(TOKENS).status_code == 401
    assert not AuthToken.objects.exists()  # and knox removed it
    assert cache.get(key) is None and LOCAL_TOKENS.get(digest_of(token)) is None


def test_with_no_token_cache_every_request_reads_the_database(user, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    token = create_with_password().json()["token"]
    assert bearer(token).get(TOKENS).status_code == 200
    AuthToken.objects.filter(user=user).delete()
    assert bearer(token).get(TOKENS).status_code == 401
