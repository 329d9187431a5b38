"""Actors are found by any spelling, and one spelling names one actor."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from events.models import Actor, ActorKind, Alias, actor_ids_named
from tests.factories import ActorFactory, AliasFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tatmadaw():
    actor = ActorFactory(name="Tatmadaw", kind=ActorKind.ORGANIZATION)
    AliasFactory(actor=actor, name="Tatmado")
    AliasFactory(actor=actor, name="Tatmador")
    return actor


@pytest.fixture
def general():
    return ActorFactory(name="Min Aung Hlaing")


def test_the_slug_is_made_from_the_name(general):
    assert general.slug == "min-aung-hlaing"


@pytest.mark.parametrize(
    "spelling",
    ["Tatmadaw", "tatmadaw", "TATMADAW", "  Tatmadaw ", "Tatmado", "tatmador", "TATMADO"],
)
def test_named_finds_an_actor_by_name_or_alias_ignoring_case(tatmadaw, general, spelling):
    assert list(Actor.objects.named(spelling)) == [tatmadaw]


def test_named_finds_an_actor_by_slug(general, tatmadaw):
    assert list(Actor.objects.named("min-aung-hlaing")) == [general]


def test_named_finds_an_actor_by_slug_ignoring_case(general):
    assert list(Actor.objects.named("Min-Aung-Hlaing")) == [general]


def test_named_finds_nobody_for_an_unknown_spelling(tatmadaw, general):
    assert not Actor.objects.named("Sergei Shoigu").exists()
    assert not Actor.objects.named("Tatma").exists()


def test_named_returns_an_actor_once_however_many_spellings_match(tatmadaw):
    AliasFactory(actor=tatmadaw, name="Myanmar armed forces")
    assert Actor.objects.named("tatmado").count() == 1
    assert len(Actor.objects.named("tatmadaw")) == 1


@pytest.mark.postgresql
def test_named_folds_case_as_iexact_does_beyond_ascii(db):
    """Both sides upper-cased, as ``iexact`` did: a word's final sigma and the capital sigma
    are one letter (lower-casing the capital never gives the final form). SQLite
    upper-cases ASCII only."""
    elytis = ActorFactory(name="Οδυσσέας Ελύτης")
    AliasFactory(actor=elytis, name="Ελύτης")
    assert list(Actor.objects.named("ΟΔΥΣΣΈΑΣ ΕΛΎΤΗΣ")) == [elytis]
    assert list(Actor.objects.named("ΕΛΎΤΗΣ")) == [elytis]


def test_actor_ids_named_takes_any_number_of_names(tatmadaw, general):
    """One IN list: a thousand names is no deeper an expression than two (SQLite refuses
    an expression tree deeper than 1,000)."""
    names = [f"nobody {n}" for n in range(1500)] + ["TATMADO", "min-aung-hlaing"]
    assert sorted(row["pk"] for row in actor_ids_named(names)) == sorted([tatmadaw.pk, general.pk])


def test_an_alias_is_unique_ignoring_case(tatmadaw, general):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(actor=general, name="TATMADO")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(actor=tatmadaw, name="tatmador")
    assert Alias.objects.count() == 2


def test_an_actor_name_is_unique_ignoring_case(general):
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.create(name="MIN AUNG HLAING", slug="other-slug", kind=ActorKind.PERSON)
    assert Actor.objects.count() == 1


def test_alias_clean_refuses_another_actors_name(tatmadaw, general):
    alias = Alias(actor=tatmadaw, name="min aung hlaing")
    with pytest.raises(ValidationError) as exc:
        alias.full_clean()
    assert exc.value.message_dict["name"] == [
        '"min aung hlaing" is already the name of Min Aung Hlaing.'
    ]


def test_alias_clean_accepts_a_new_spelling(general):
    alias = Alias(actor=general, name="Senior General Min Aung Hlaing")
    alias.full_clean()
    alias.save()
    assert list(Actor.objects.named("senior general min aung hlaing")) == [general]


def test_deleting_an_actor_deletes_its_aliases(tatmadaw):
    tatmadaw.delete()
    assert not Alias.objects.exists()


def test_an_actor_who_takes_part_in_an_event_cannot_be_deleted(general):
    EventFactory().participations.create(actor=general, role="visitor")
    with pytest.raises(ProtectedError):
        general.delete()
    assert Actor.objects.filter(pk=general.pk).exists()
