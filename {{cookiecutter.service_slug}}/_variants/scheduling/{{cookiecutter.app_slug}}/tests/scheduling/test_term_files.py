"""A term entered without ITC files: a zip of CSV files in and out through the API, with names
as people write them, and the ITC files still written for such a term."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ...timetabling import parse_problem, parse_workbook
from .conftest import counts

pytestmark = pytest.mark.django_db

FILES = {
    "term.csv": "name,days,periods_per_day,min_daily_lectures,max_daily_lectures\nAutumn,2,2,0,0\n",
    "courses.csv": "course,teacher,lectures,min_days,students,double_lectures\n"
    "Intro to Physics,Prof. Li 李,2,1,40,no\nAlgebra I,Dr. Ana Ruiz,2,1,35,no\n",
    "rooms.csv": "room,capacity,building\nRoom 2.14,50,1\n",
    "curricula.csv": "curriculum,course\nYear 1,Intro to Physics\n",
}


def upload(client, files: dict[str, str], name: str = "autumn.zip"):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for file, content in files.items():
            archive.writestr(file, content)
    return client.post(
        "/api/v1/problems/",
        {"file": SimpleUploadedFile(name, data.getvalue())},
        format="multipart",
    )


def test_a_term_from_csv_files_is_stored_with_its_names(scheduler_client):
    response = upload(scheduler_client, FILES)
    assert response.status_code == 201, response.content
    problem = response.json()
    assert (problem["name"], problem["source_format"], problem["courses_count"]) == (
        "Autumn",
        "zip",
        2,
    )
    courses = scheduler_client.get(f"/api/v1/problems/{problem['id']}/courses/").json()
    assert {c["teacher"] for c in courses} == {"Prof. Li 李", "Dr. Ana Ruiz"}

    exported = scheduler_client.get(f"/api/v1/problems/{problem['id']}/export/")
    assert exported["Content-Type"] == "application/zip"  # as it came
    assert [c.id for c in parse_workbook(exported.content).courses] == [
        "Intro to Physics",
        "Algebra I",
    ]
    ectt = scheduler_client.get(f"/api/v1/problems/{problem['id']}/export/?format=ectt")
    assert [c.teacher for c in parse_problem(ectt.content).courses] == [
        "Prof._Li_李",
        "Dr._Ana_Ruiz",
    ]


def test_a_solution_file_of_such_a_term_goes_out_and_back_in(
    scheduler_client, eager_tasks, django_capture_on_commit_callbacks
):
    problem = upload(scheduler_client, FILES).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):  # the run executes (eager tasks)
        run = scheduler_client.post(
            f"/api/v1/problems/{problem}/runs/", {"time_limit": 2}, format="json"
        )
    assert run.status_code == 202
    revision = scheduler_client.get(f"/api/v1/problems/{problem}/revisions/").json()["results"][0]
    solution = scheduler_client.get(f"/api/v1/revisions/{revision['id']}/export/?format=sol")
    assert "Intro_to_Physics Room_2.14 " in solution.content.decode()
    again = scheduler_client.post(
        f"/api/v1/problems/{problem}/revisions/",
        {"file": SimpleUploadedFile("back.sol", solution.content)},
        format="multipart",
    )
    assert again.status_code == 201, again.content
    assert again.json()["hard_violations"] == 0  # the tokens were read as the names again


def test_a_bad_csv_cell_is_named_and_nothing_is_written(scheduler_client):
    before = counts()
    broken = {**FILES, "rooms.csv": "room,capacity,building\nRoom 2.14,fifty,1\n"}
    response = upload(scheduler_client, broken)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["extra"] == {"file": "rooms.csv", "line": 2, "column": "capacity"}
    assert "in rooms.csv, line 2, column capacity" in body["message"]
    assert counts() == before


def test_a_name_the_pages_cannot_carry_is_refused(scheduler_client):
    before = counts()
    response = upload(scheduler_client, {**FILES, "rooms.csv": "room,capacity\nA|B,5\n"})
    assert response.status_code == 400
    assert "may not contain '|'" in response.json()["message"]
    assert counts() == before


def test_the_documented_sample_imports(scheduler_client, settings):
    sample = settings.BASE_DIR / "docs" / "sample-term"
    files = {path.name: path.read_text(encoding="utf-8") for path in sample.glob("*.csv")}
    assert len(files) == 6
    response = upload(scheduler_client, files)
    assert response.status_code == 201, response.content
    assert response.json()["courses_count"] == 5
