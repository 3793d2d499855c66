from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from ..management.commands.demo import NOTES
from ..models import Note


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_account_signs_in_to_its_notes_and_is_safe_to_run_again(client, eager_tasks):
    first = demo("--url", "http://example.test:8000")
    assert f"Notes: http://example.test:8000{reverse(NOTES)}" in first
    assert "user: demo  password: " in first
    again = demo("--password", "pw-chosen-for-the-demo")
    assert User.objects.filter(username="demo").count() == 1 and Note.objects.count() == 2
    account = User.objects.get(username="demo")
    assert account.check_password("pw-chosen-for-the-demo")
    client.force_login(account)
    page = client.get(reverse(NOTES))
    assert page.status_code == 200 and b"Welcome" in page.content
    assert "password: pw-chosen-for-the-demo" in again
