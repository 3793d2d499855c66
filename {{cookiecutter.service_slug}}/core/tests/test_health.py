import pytest


def test_liveness_touches_nothing_and_ignores_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.3.7")  # a bare IP, not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_ok_with_bare_ip_host(client):
    response = client.get("/readyz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True


def test_other_pages_still_check_the_host(client):
    assert client.get("/", HTTP_HOST="10.0.3.7").status_code == 400


@pytest.mark.django_db
def test_readiness_503_names_the_database(client, unreachable_database):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]


@pytest.mark.django_db
def test_readiness_503_names_the_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.integration
@pytest.mark.django_db
def test_readiness_checks_real_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "ms": pytest.approx(0, abs=1000)}


@pytest.mark.django_db
def test_readiness_checks_the_folder_broker(client, settings, tmp_path):
    from core import local_broker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = local_broker.URL
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = local_broker.transport_options(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert "does not exist" in response.json()["checks"]["broker"]["error"]
    local_broker.folders_create(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["note"] == "folder (no server)"
