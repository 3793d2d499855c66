"""The smoke test's user, and deploy/smoke.py against this service (the pipeline runs it against
staging after each deployment): readiness, the Hello page, one authenticated API call."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from core.exceptions import ConflictError
from core.services import smoke_user_ensure

SMOKE = Path(__file__).resolve().parents[2] / "deploy" / "smoke.py"


def smoke_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smoke", SMOKE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_smoke_user_is_created_then_kept_in_step_with_its_secret():
    first = smoke_user_ensure(username="smoke-test", password="first-password")
    assert first.check_password("first-password")
    assert not (first.is_staff or first.is_superuser) and first.is_active
    User.objects.filter(pk=first.pk).update(is_active=False)
    again = smoke_user_ensure(username="smoke-test", password="rotated-password")
    assert again.pk == first.pk and again.is_active and again.check_password("rotated-password")


@pytest.mark.django_db
def test_a_staff_user_is_never_taken_over():
    User.objects.create_user(username="smoke-test", password="admin-password", is_staff=True)
    with pytest.raises(ConflictError):
        smoke_user_ensure(username="smoke-test", password="other")
    assert User.objects.get(username="smoke-test").check_password("admin-password")


@pytest.mark.django_db
def test_the_command_reads_the_secret_from_the_environment(monkeypatch, capsys):
    monkeypatch.delenv("SMOKE_TEST_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="SMOKE_TEST_PASSWORD"):
        call_command("smoke_user_ensure")
    monkeypatch.setenv("SMOKE_TEST_USERNAME", "smoke-test")
    monkeypatch.setenv("SMOKE_TEST_PASSWORD", "from-the-secret")
    call_command("smoke_user_ensure")
    assert "smoke test user smoke-test ready" in capsys.readouterr().out
    assert User.objects.get(username="smoke-test").check_password("from-the-secret")


@pytest.mark.django_db(transaction=True)
def test_the_smoke_test_passes_against_the_service(live_server, monkeypatch, capsys):
    smoke_user_ensure(username="smoke-test", password="smoke-password")
    monkeypatch.setenv("SMOKE_TEST_USERNAME", "smoke-test")
    monkeypatch.setenv("SMOKE_TEST_PASSWORD", "smoke-password")
    monkeypatch.setenv("SMOKE_TEST_WAIT", "0")
    assert smoke_module().main([live_server.url]) == 0, capsys.readouterr().err
    shown = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in shown] == [
        "ok  /readyz",
        "ok  /",
        "ok  /api/v1/core/tokens/",
    ]
    assert not AuthToken.objects.exists()  # the token it made is revoked


@pytest.mark.django_db(transaction=True)
def test_the_smoke_test_fails_in_one_line_with_a_wrong_password(live_server, monkeypatch, capsys):
    smoke_user_ensure(username="smoke-test", password="smoke-password")
    monkeypatch.setenv("SMOKE_TEST_USERNAME", "smoke-test")
    monkeypatch.setenv("SMOKE_TEST_PASSWORD", "not-the-password")
    monkeypatch.setenv("SMOKE_TEST_WAIT", "0")
    assert smoke_module().main([live_server.url]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"smoke test of {live_server.url} failed: POST /api/v1/core/tokens/")
    assert "answered 401" in line
