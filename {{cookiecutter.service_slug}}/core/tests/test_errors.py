import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.apis import HeartbeatOutput
from core.models import Heartbeat
from core.pagination import BoundedPagination, paginated_response


@pytest.mark.django_db
def test_anonymous_gets_401_in_the_error_shape(anonymous_client):
    response = anonymous_client.get("/api/v1/core/heartbeats/1/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "extra"}


@pytest.mark.django_db
def test_unknown_id_is_404_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/core/heartbeats/999999/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Heartbeat 999999 does not exist.",
        "extra": {},
    }


@pytest.mark.django_db
def test_validation_errors_name_the_field(api_client):
    response = api_client.post("/api/v1/core/heartbeats/", {"message": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "message" in body["extra"]["fields"]


@pytest.mark.django_db
def test_malformed_json_is_400(api_client):
    response = api_client.post(
        "/api/v1/core/heartbeats/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=99999999999999999999", "offset=99999999999999999999"])
def test_huge_page_bounds_never_reach_the_database(query):
    Heartbeat.objects.create(message="one")
    request = Request(APIRequestFactory().get(f"/?{query}"))
    response = paginated_response(
        Heartbeat.objects.all(), HeartbeatOutput, request=request, view=APIView()
    )
    assert response.status_code == 200
    assert len(response.data["results"]) <= BoundedPagination.max_limit
