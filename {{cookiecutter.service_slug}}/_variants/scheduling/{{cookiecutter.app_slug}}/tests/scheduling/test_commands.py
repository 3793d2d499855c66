"""Management commands: import_problem, generate, export_revision, demo."""

from io import StringIO

import icalendar
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ...models import Problem, Revision
from ...timetabling.demo import demo_instance_path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_import_generate_export(tmp_path):
    out = run("import_problem", str(demo_instance_path("toy.ectt")), "--name", "Toy term")
    problem = Problem.objects.get(name="Toy term")
    assert out.strip() == f"problem {problem.pk}: Toy term"
    out = run("generate", str(problem.pk), "--time-limit", "2", "--seed", "3")
    revision = Revision.objects.get(problem=problem)
    assert f"revision {revision.pk}" in out and "hard violations 0" in out
    solution = run("export_revision", str(revision.pk))
    assert len(solution.splitlines()) == 16
    target = tmp_path / "toy.ics"
    run("export_revision", str(revision.pk), "--format", "ics", "-o", str(target))
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 16
    assert run("export_revision", str(revision.pk), "--format", "csv").startswith("course,")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["import_problem", "/no/such/file.ctt"], "no such file"),
        (["generate", "999999"], "does not exist"),
        (["export_revision", "999999"], "does not exist"),
    ],
)
def test_bad_input_is_a_one_line_command_error(args, message):
    with pytest.raises(CommandError, match=message) as info:
        run(*args)
    assert "\n" not in str(info.value)


@pytest.mark.django_db
def test_import_of_a_junk_file_names_the_line(tmp_path):
    junk = tmp_path / "junk.ctt"
    junk.write_text("Name: x\nCourses: many\n")
    with pytest.raises(CommandError, match=r"junk\.ctt: .*line \d"):
        run("import_problem", str(junk))
    assert Problem.objects.count() == 0


@pytest.mark.django_db
def test_generate_with_bad_parameters(tmp_path):
    run("import_problem", str(demo_instance_path("toy.ectt")))
    problem = Problem.objects.get()
    with pytest.raises(CommandError, match="time_limit"):
        run("generate", str(problem.pk), "--time-limit", "0")
    with pytest.raises(CommandError, match="formulation"):
        run("generate", str(problem.pk), "--formulation", "XX")


@pytest.mark.django_db(transaction=True)
def test_the_demo_signs_in_and_shows_a_generated_timetable_and_is_safe_to_run_again(
    client, monkeypatch
):
    from ...management.commands.demo import PROBLEM, PROBLEMS
    from ...services import demo

    monkeypatch.setattr(demo, "SAMPLES", demo.SAMPLES[:1])  # the toy: comp01 in the template's
    first = run("demo", "--url", "http://example.test:8000/")
    password = first.split("password: ")[1].split()[0]
    assert f"Scheduler: http://example.test:8000{reverse(PROBLEMS)}" in first
    problem = Problem.objects.get(name="Toy term (demo)")
    assert Revision.objects.filter(problem=problem, origin="generated").count() == 1
    again = run("demo", "--password", "pw-chosen-for-the-demo")
    assert Problem.objects.count() == 1 and Revision.objects.count() == 1  # nothing twice
    assert "password: pw-chosen-for-the-demo" in again and password not in again
    account = problem.created_by
    assert account.get_username() == "demo" and account.check_password("pw-chosen-for-the-demo")
    client.force_login(account)
    page = client.get(reverse(PROBLEM, args=[problem.pk]))
    assert page.status_code == 200 and b"Toy term (demo)" in page.content
    from ...permissions import user_is_scheduler

    assert user_is_scheduler(account)
