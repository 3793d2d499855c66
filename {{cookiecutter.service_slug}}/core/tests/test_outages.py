"""Outages answer "try again", never a server error: the cache fails soft, the database and the
broker give a 503 in the API's error shape (a plain page outside the API), with Retry-After."""

import time

import pytest
from django.conf import settings
from django.test import Client
from kombu.exceptions import OperationalError as BrokerOperationalError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.cache import FailSoftRedisCache
from core.exceptions import api_exception_handler

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def cache_at(location: str, retry_seconds: float = 5.0) -> FailSoftRedisCache:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_seconds": retry_seconds}
    return FailSoftRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "outage-test"})


def test_an_unreachable_cache_is_a_miss_and_stays_off_for_a_while(caplog):
    cache = cache_at(NOWHERE)
    assert cache.get("key", "fallback") == "fallback"
    assert cache.reachable is False
    started = time.monotonic()
    cache.set("key", "value")
    assert cache.get_many(["key"]) == {}
    assert cache.add("key", "value") is False
    assert cache.delete("key") is False
    assert cache.get_or_set("key", "computed") == "computed"
    with pytest.raises(ValueError, match="unreachable"):
        cache.incr("counter")
    assert time.monotonic() - started < 0.1  # off: no connection attempt at all
    assert [r.getMessage() for r in caplog.records if "cache unreachable" in r.getMessage()]


def test_the_cache_tries_again_after_its_off_window():
    cache = cache_at(NOWHERE, retry_seconds=0.2)
    assert cache.get("key") is None
    assert cache.reachable is False
    time.sleep(0.25)
    assert cache.reachable is True


@pytest.mark.integration
def test_a_reachable_cache_behaves_like_djangos_redis_cache():
    cache = cache_at(settings.CACHES["default"]["LOCATION"])
    cache.set("fail-soft", {"a": 1}, 30)
    assert cache.get("fail-soft") == {"a": 1}
    cache.delete("fail-soft-count")
    cache.add("fail-soft-count", 0)
    assert cache.incr("fail-soft-count") == 1
    assert cache.delete("fail-soft") is True
    assert cache.reachable is True
    # One redis-py client per connection pool, not a new one per operation.
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)


@pytest.mark.django_db(transaction=True)  # no test transaction around the lost connection
def test_the_api_answers_503_in_its_error_shape_when_the_database_is_down(
    api_client, unreachable_database
):
    response = api_client.get("/api/v1/core/heartbeats/1/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"
    assert set(response.json()) == {"code", "message", "extra"}


@pytest.mark.django_db(transaction=True)
def test_pages_answer_a_plain_503_when_the_database_is_down(unreachable_database):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Try again in a moment" in response.content


def test_a_broker_outage_is_a_503_too():
    request = APIRequestFactory().post("/api/v1/anything/")
    error = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379.")
    response = api_exception_handler(error, {"request": request, "view": APIView()})
    assert response is not None
    assert response.status_code == 503
    assert response.data["code"] == "service_unavailable"


def test_unknown_api_routes_are_404_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "/api/v1/no-such-thing/" in response.json()["message"]


def test_unknown_pages_stay_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
