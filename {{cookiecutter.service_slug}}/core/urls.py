from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .sign_in import SignInView

urlpatterns = [
    path("", views.hello, name="hello"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
