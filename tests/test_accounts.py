"""Signing in and out, the analysts-only decorator, and the create_analyst command."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.access import analyst_required, is_analyst
from tests.conftest import run

pytestmark = pytest.mark.django_db

SOURCE_NEW = "/sources/new/"


def test_login_page_renders_a_sign_in_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "<h1>Sign in</h1>" in html


def test_signing_in_with_the_right_password_opens_a_session(client, analyst):
    response = client.post(reverse("login"), {"username": "analyst", "password": "not-a-default-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("timeline")
    assert client.get(reverse("timeline")).context["user"].username == "analyst"


def test_signing_in_with_a_wrong_password_is_refused_with_a_message(client, analyst):
    response = client.post(reverse("login"), {"username": "analyst", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_returns_to_the_page_asked_for(client, analyst):
    response = client.post(
        reverse("login") + f"?next={SOURCE_NEW}",
        {"username": "analyst", "password": "not-a-default-1", "next": SOURCE_NEW},
    )
    assert response["Location"] == SOURCE_NEW


def test_header_shows_sign_in_to_anonymous_visitors(client):
    html = client.get(reverse("timeline")).content.decode()
    assert f'href="{reverse("login")}?next=/"' in html
    assert "Sign out" not in html
    assert "Add a source" not in html


def test_header_shows_the_username_and_sign_out_when_signed_in(client, reader):
    client.force_login(reader)
    html = client.get(reverse("timeline")).content.decode()
    assert "Signed in as <strong>reader</strong>" in html
    assert f'action="{reverse("logout")}"' in html
    assert "Add a source" not in html


def test_header_offers_adding_a_source_to_analysts(client, analyst):
    client.force_login(analyst)
    html = client.get(reverse("timeline")).content.decode()
    assert f'href="{reverse("source-new")}"' in html


def test_signing_out_is_a_post_that_ends_the_session(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# The decorator, on a page of its own.


@analyst_required
def secret_view(request):
    return HttpResponse("for analysts")


def call(user, **headers):
    request = RequestFactory().get("/secret/?x=1", headers=headers)
    request.user = user
    from django_htmx.middleware import HtmxDetails

    request.htmx = HtmxDetails(request)
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.session = {}
    request._messages = FallbackStorage(request)
    return secret_view(request)


def test_analyst_required_sends_anonymous_visitors_to_sign_in():
    from django.contrib.auth.models import AnonymousUser

    response = call(AnonymousUser())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/secret/%3Fx%3D1"


def test_analyst_required_redirects_htmx_requests_with_hx_redirect_not_a_login_fragment():
    from django.contrib.auth.models import AnonymousUser

    response = call(
        AnonymousUser(),
        HX_Request="true",
        HX_Current_URL="http://testserver/events/3/edit/",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/events/3/edit/"
    assert response.content == b""


def test_analyst_required_refuses_signed_in_non_analysts_with_a_403_page(reader):
    response = call(reader)
    assert response.status_code == 403
    html = response.content.decode()
    assert "not an analyst account" in html
    assert "for analysts" not in html


def test_analyst_required_lets_analysts_in(analyst):
    response = call(analyst)
    assert response.status_code == 200
    assert response.content == b"for analysts"


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403), ("analyst", 200)])
def test_add_source_page_is_for_analysts_only(client, analyst, reader, who, status):
    if who != "anonymous":
        client.force_login({"reader": reader, "analyst": analyst}[who])
    response = client.get(SOURCE_NEW)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"{reverse('login')}?next={SOURCE_NEW}"


# create_analyst


def test_create_analyst_makes_a_user_in_the_analysts_group_with_a_printed_password(
    group_of_analysts,
):
    out = run("create_analyst", "maria", "--email", "maria@example.org")
    user = get_user_model().objects.get(username="maria")
    assert is_analyst(user)
    assert user.email == "maria@example.org"
    assert not user.is_staff
    assert not user.is_superuser
    password = out.split("Password (shown only this once; store it now): ")[1].split()[0]
    assert len(password) >= 20
    assert authenticate(username="maria", password=password) == user
    assert out.count(password) == 1


def test_create_analyst_generates_a_different_password_each_time(group_of_analysts):
    first = run("create_analyst", "ann").split(": ")[-1].strip()
    second = run("create_analyst", "bob").split(": ")[-1].strip()
    assert first != second


def test_create_analyst_refuses_an_existing_name_and_changes_nothing(reader, group_of_analysts):
    before = reader.password
    with pytest.raises(CommandError, match="already exists"):
        run("create_analyst", "READER")
    reader.refresh_from_db()
    assert reader.password == before
    assert not is_analyst(reader)
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "has space!", "x" * 151])
def test_create_analyst_refuses_an_invalid_name(name, group_of_analysts):
    with pytest.raises(CommandError):
        run("create_analyst", name)
    assert not get_user_model().objects.exists()


def test_create_analyst_refuses_an_invalid_email(group_of_analysts):
    with pytest.raises(CommandError, match="valid email"):
        run("create_analyst", "carol", "--email", "not-an-address")
    assert not get_user_model().objects.exists()


def test_no_account_has_a_known_default_password(reader, analyst, group_of_analysts):
    run("create_analyst", "dave")
    for password in ["", "password", "analyst", "admin", "changeme", "dave", "timeline"]:
        assert authenticate(username="dave", password=password) is None
