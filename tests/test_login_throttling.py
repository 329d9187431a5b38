"""Sign-in throttling (django-axes) and Django's password validators on every password."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError
from django.urls import reverse

from tests.conftest import run

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
RIGHT = "not-a-default-1"  # the analyst fixture's password


def sign_in(client, password: str, username: str = "analyst", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_repeated_wrong_passwords_lock_the_sign_in_with_a_429_page(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its message

    locked = sign_in(client, "wrong")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "paused for 15 minutes" in page
    assert locked["Retry-After"] == "900"


def test_a_locked_user_cannot_sign_in_even_with_the_right_password(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")

    response = sign_in(client, RIGHT)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_name_and_address(client, analyst, reader):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")

    other_user = sign_in(client, "not-a-default-2", username="reader")
    other_address = sign_in(client, RIGHT, REMOTE_ADDR="10.0.0.7")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_a_success_resets_the_count(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, RIGHT).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")

    assert sign_in(client, RIGHT).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "analyst", "password": "wrong"})

    assert (
        client.post("/admin/login/", {"username": "analyst", "password": RIGHT}).status_code == 429
    )


def test_the_test_clients_login_still_works(client, analyst):
    assert client.login(username="analyst", password=RIGHT)


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("83920174", "entirely numeric"),
        ("analyst2021", "too similar to the username"),
        ("password123", "too common"),
        ("k3#Qz", "too short"),
    ],
)
def test_a_weak_new_password_is_refused_saying_why(signed_in, password, reason):
    response = signed_in.post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert User.objects.get(username="analyst").check_password(RIGHT)


def test_a_strong_new_password_is_taken(signed_in):
    new = "lantern-orbit-quietly-47"

    response = signed_in.post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert User.objects.get(username="analyst").check_password(new)


def test_the_admin_refuses_a_weak_password_too(client, analyst):
    admin = User.objects.create_superuser("boss", password="a-strong-admin-password-9")
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[analyst.pk]),
        {"password1": "83920174", "password2": "83920174"},
    )

    assert response.status_code == 200
    assert "entirely numeric" in response.content.decode()
    assert User.objects.get(username="analyst").check_password(RIGHT)


def test_create_analyst_checks_its_generated_password_with_the_validators(
    settings, group_of_analysts
):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 100},
        }
    ]

    with pytest.raises(CommandError, match="at least 100 characters"):
        run("create_analyst", "maria")

    assert not User.objects.filter(username="maria").exists()
