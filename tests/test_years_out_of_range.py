"""Years outside 1-9998 are refused with a message everywhere a date is read, never a 500."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/?year=0000",
        "/?from=0000&to=0000",
        "/?from=0000-01-01",
        "/?to=9999-12-31",
        "/?from=2021-13",
        "/api/events/?year=0000",
        "/api/events/?from=0000",
        "/api/events/?to=9999",
        "/api/events/?from=2021-02-30",
    ],
)
def test_filters_refuse_a_year_out_of_range_without_a_server_error(client, url):
    response = client.get(url)
    assert response.status_code in {200, 400}, response.content[:300]


@pytest.mark.parametrize("text", ["0000", "9999", "June 0000", "2021-13"])
def test_the_source_form_and_the_api_refuse_it_with_a_message(analyst, client, text):
    client.force_login(analyst)
    response = client.post(
        "/sources/new/",
        {
            "title": "T",
            "publisher": "",
            "author": "",
            "url": "",
            "published": text,
            "text": "Some text.\n",
        },
    )
    assert response.status_code in {200, 400}
    assert "9998" in response.content.decode() or "not a real date" in response.content.decode()
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post("/api/events/", {"title": "T", "date": {"text": text}}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["0000", "0", "10000"])
def test_a_year_filter_out_of_range_says_the_range_not_the_digits(year):
    # "0000" is four digits: a reviewer was told to write the year as four digits.
    response = APIClient().get("/api/events/", {"year": year})
    assert response.status_code == 400
    assert response.json() == {"year": ["year: years run from 1 to 9999 (for example year=2021)."]}
