"""Restore an older revision, publish one (one per problem), and the state open grid pages poll:
services, API and pages."""

import pytest

from core.exceptions import ConflictError

from ...lectures import Move, Pin
from ...models import Problem, Revision
from ...services.revision_actions import problem_unpublish, revision_publish, revision_restore
from ...services.revisions import revision_create_edited
from .conftest import counts, web

pytestmark = pytest.mark.django_db
APP = __name__.split(".")[0]


def lectures(revision):
    return sorted(
        revision.assignments.values_list("course__code", "room__code", "day", "period", "pinned")
    )


@pytest.fixture
def moved(toy_revision):
    """Revision #2: the toy timetable with one lecture moved (into a conflict) and one pin."""
    return revision_create_edited(
        base=toy_revision,
        moves=[Move("Geotec", (0, 3, "rA"), (0, 2, None))],
        pins=[Pin("ArcTec", (1, 2, "rB"))],
    )


# ------------------------------------------------------------------------------ services
def test_restore_copies_the_older_revision_as_the_latest(toy_revision, moved, scheduler):
    restored = revision_restore(revision=toy_revision, author=scheduler)
    assert restored.number == 3 and restored.parent_id == moved.pk
    assert restored.note == "Restored #1" and restored.author == scheduler
    assert lectures(restored) == lectures(toy_revision)
    assert (restored.total_cost, restored.hard_violations) == (toy_revision.total_cost, 0)


def test_restore_that_would_change_nothing_is_refused(toy_revision, moved):
    revision_restore(revision=toy_revision)
    before = counts()
    for revision in (toy_revision, Revision.objects.get(number=3)):
        with pytest.raises(ConflictError) as caught:
            revision_restore(revision=revision)
        assert caught.value.code == "nothing_to_restore"
        assert "would change nothing" in caught.value.message
    assert counts() == before


def test_one_published_revision_per_problem(toy_revision, moved):
    problem = revision_publish(revision=toy_revision)
    assert problem.published_revision_id == toy_revision.pk and problem.published_at
    restored = revision_restore(revision=toy_revision)
    revision_publish(revision=restored)
    problem.refresh_from_db()
    assert problem.published_revision_id == restored.pk
    assert revision_publish(revision=restored).published_revision_id == restored.pk  # again: ok
    with pytest.raises(ConflictError) as caught:  # hard violations
        revision_publish(revision=moved)
    assert caught.value.code == "not_publishable"
    problem.refresh_from_db()
    assert problem.published_revision_id == restored.pk
    assert problem_unpublish(problem=problem).published_revision_id is None


# ------------------------------------------------------------------------------ API
def test_api_restore_and_publish(scheduler_client, toy_revision, moved):
    response = scheduler_client.post(f"/api/v1/revisions/{toy_revision.pk}/restore/")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["note"], body["parent"]) == (3, "Restored #1", moved.pk)
    again = scheduler_client.post(f"/api/v1/revisions/{toy_revision.pk}/restore/")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_restore"

    published = scheduler_client.post(f"/api/v1/revisions/{body['id']}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["published_revision"] == body["id"]
    problem = scheduler_client.get(f"/api/v1/problems/{toy_revision.problem_id}/").json()
    assert problem["published_revision"] == body["id"] and problem["published_at"]
    unpublished = scheduler_client.post(f"/api/v1/problems/{toy_revision.problem_id}/unpublish/")
    assert unpublished.json()["published_revision"] is None


@pytest.mark.parametrize(
    "url",
    ["/api/v1/revisions/999999/restore/", "/api/v1/revisions/999999/publish/",
     "/api/v1/problems/999999/unpublish/"],
)  # fmt: skip
def test_api_unknown_ids_are_404(scheduler_client, toy_revision, url):
    before = counts()
    response = scheduler_client.post(url)
    assert response.status_code == 404 and response.json()["message"]
    assert counts() == before


def test_api_refusals_write_nothing(scheduler_client, reader_client, toy_revision, moved):
    before = counts()
    response = scheduler_client.post(f"/api/v1/revisions/{moved.pk}/publish/")
    assert response.status_code == 409 and response.json()["code"] == "not_publishable"
    assert "hard violation" in response.json()["message"]
    for url in (f"/api/v1/revisions/{toy_revision.pk}/restore/",
                f"/api/v1/revisions/{toy_revision.pk}/publish/"):  # fmt: skip
        assert reader_client.post(url).status_code == 403
    assert counts() == before
    assert Problem.objects.get().published_revision_id is None


def test_restore_of_a_revision_naming_a_removed_course_is_400(
    scheduler_client, toy_revision, moved
):
    from ...models import Course

    Course.objects.filter(problem=toy_revision.problem, code="SceCosC").update(removed=True)
    Problem.objects.filter(pk=toy_revision.problem_id).update(version=2)
    before = counts()
    response = scheduler_client.post(f"/api/v1/revisions/{toy_revision.pk}/restore/")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unknown_course" and "SceCosC" in response.json()["message"]
    assert counts() == before


# ------------------------------------------------------------------------------ pages
def test_history_restores_and_publishes(scheduler, toy_revision, moved):
    client = web(scheduler)
    history = f"/{APP}/problems/{toy_revision.problem_id}/history/"
    html = client.get(history).content.decode()
    assert "No timetable is published yet." in html
    assert "Restore #1" in html and "Restore #2" not in html  # not the latest
    assert "Publish #1" in html and "Publish #2" not in html  # hard violations

    response = client.post(f"/{APP}/revisions/{toy_revision.pk}/restore/")
    restored = Revision.objects.get(number=3)
    assert response["Location"].endswith(f"/revisions/{restored.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "Saved revision #3: restored #1" in page and "Restored #1" in page

    response = client.post(f"/{APP}/revisions/{toy_revision.pk}/restore/", follow=True)
    assert "Not restored: Revision #1 has the same timetable as #3" in response.content.decode()
    assert Revision.objects.count() == 3

    html = client.post(f"/{APP}/revisions/{restored.pk}/publish/", follow=True).content.decode()
    assert "Revision #3 is the published timetable." in html
    assert 'class="tag published">Published</span>' in html
    assert "Published timetable: " in html and "Publish #3" not in html
    grid = client.get(f"/{APP}/revisions/{restored.pk}/").content.decode()
    assert 'class="tag published">Published</span>' in grid
    older = client.get(f"/{APP}/revisions/{toy_revision.pk}/").content.decode()
    assert "published: #3" in older

    html = client.post(f"/{APP}/revisions/{moved.pk}/publish/", follow=True).content.decode()
    assert "Not published: Revision #2 has 1 hard violation(s)" in html
    html = client.post(f"/{APP}/problems/{toy_revision.problem_id}/unpublish/", follow=True)
    assert "No timetable is published yet." in html.content.decode()


def test_readers_see_no_actions_and_cannot_post(user, toy_revision, moved):
    client = web(user)
    html = client.get(f"/{APP}/problems/{toy_revision.problem_id}/history/").content.decode()
    assert "Restore #" not in html and "Publish #" not in html
    before = counts()
    assert client.post(f"/{APP}/revisions/{toy_revision.pk}/restore/").status_code == 403
    assert client.post(f"/{APP}/revisions/{toy_revision.pk}/publish/").status_code == 403
    assert client.post(f"/{APP}/problems/{toy_revision.problem_id}/unpublish/").status_code == 403
    assert counts() == before


def test_grid_pages_poll_the_revision_state(
    user, toy_revision, moved, django_assert_max_num_queries
):
    client = web(user)
    grid = client.get(f"/{APP}/revisions/{toy_revision.pk}/").content.decode()
    url = f"/{APP}/problems/{toy_revision.problem_id}/revision-state/"
    assert f'data-newer-url="{url}" data-known-latest="2"' in grid
    assert "newer-revision.js" in grid
    with django_assert_max_num_queries(4):  # the session and user, then the state
        state = client.get(url)
    assert state["Cache-Control"] == "no-store"
    assert state.json() == {
        "latest": {"id": moved.pk, "number": 2, "url": f"/{APP}/revisions/{moved.pk}/"},
        "published": None,
    }
    assert client.get(f"/{APP}/problems/999999/revision-state/").status_code == 404
