import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.selectors import counter_value
from core.services import counter_increment


def shown_count(html: str) -> int:
    match = re.search(r'id="counter" data-count="(\d+)"', html)
    assert match, "the page shows no counter"
    return int(match.group(1))


@pytest.mark.django_db
def test_every_visit_adds_one(client):
    first = shown_count(client.get("/").content.decode())
    second = shown_count(client.get("/").content.decode())
    assert second == first + 1
    assert counter_value() == second


@pytest.mark.django_db
def test_page_is_never_cached(client):
    response = client.get("/")
    assert "no-cache" in response["Cache-Control"]
    assert b"Hello, World" in response.content


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_lose_nothing():
    def visit(_: int) -> int:
        try:
            return counter_increment(name="concurrent")
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(visit, range(64)))
    assert sorted(values) == list(range(1, 65))  # every visit saw its own, distinct number
    assert counter_value(name="concurrent") == 64


@pytest.mark.django_db
def test_the_page_links_to_the_application(client, settings):
    """The application names its pages in SERVICE_HOME_LINKS; the base imports nothing of it."""
    from django.urls import reverse

    assert settings.SERVICE_HOME_LINKS  # each application variant fills it in
    html = client.get("/").content.decode()
    for text, name in settings.SERVICE_HOME_LINKS:
        assert f'<a class="button" href="{reverse(name)}">{text}</a>' in html
    settings.SERVICE_HOME_LINKS = []
    assert 'class="button"' not in client.get("/").content.decode()
