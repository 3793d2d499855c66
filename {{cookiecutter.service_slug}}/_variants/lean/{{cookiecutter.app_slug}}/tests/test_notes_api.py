import pytest

from ..models import Note

URL = "/api/v1/notes/"


@pytest.mark.django_db
def test_create_list_read_update(api_client, user, eager_tasks):
    created = api_client.post(URL, {"title": "Plan", "body": "first draft"}, format="json")
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert created.json()["created_by"] == user.username

    assert [n["id"] for n in api_client.get(URL).json()["results"]] == [note_id]
    assert api_client.get(f"{URL}{note_id}/").json()["body"] == "first draft"

    patched = api_client.patch(f"{URL}{note_id}/", {"title": "Plan B"}, format="json")
    assert patched.status_code == 200
    assert Note.objects.get(pk=note_id).title == "Plan B"


@pytest.mark.django_db
def test_anonymous_cannot_read_or_write(anonymous_client, user):
    Note.objects.create(title="secret", created_by=user)
    assert anonymous_client.get(URL).status_code in (401, 403)
    assert anonymous_client.post(URL, {"title": "x"}, format="json").status_code in (401, 403)
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_writes_nothing(api_client):
    response = api_client.post(URL, {"title": ""}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["extra"]["fields"]
    assert api_client.post(URL, {"title": ["not", "a", "string"]}, format="json").status_code == 400
    assert Note.objects.count() == 0


@pytest.mark.django_db
def test_unknown_note_is_404(api_client):
    response = api_client.get(f"{URL}424242/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_list_page_needs_login(client, user):
    assert client.get("/{{ cookiecutter.app_slug }}/").status_code == 302
    client.force_login(user)
    Note.objects.create(title="Visible", created_by=user)
    page = client.get("/{{ cookiecutter.app_slug }}/")
    assert page.status_code == 200
    assert b"Visible" in page.content
