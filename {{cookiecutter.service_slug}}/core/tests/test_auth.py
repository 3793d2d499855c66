import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from core.auth import signed_in_user


@pytest.mark.django_db
def test_a_signed_in_request_names_its_user():
    request = RequestFactory().post("/")
    request.user = get_user_model().objects.create_user("ada")
    assert signed_in_user(request).username == "ada"


def test_an_anonymous_request_is_refused_not_recorded_as_nobody():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied, match="Sign in"):
        signed_in_user(request)
