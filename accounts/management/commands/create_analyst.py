import secrets
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import models, transaction

from accounts.access import ANALYSTS_GROUP


class Command(BaseCommand):
    help = (
        'Create an analyst: a user in the "analysts" group, with a generated password that is '
        "printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The username to sign in with.")
        parser.add_argument("--email", default="", help="Optional e-mail address.")

    def handle(self, *args, name: str, email: str, **options) -> None:
        User = get_user_model()
        name = name.strip()
        if not name:
            raise CommandError("Give a username, for example: create_analyst maria")
        # USERNAME_FIELD names a concrete field (never a reverse relation).
        username_field = cast(models.Field, User._meta.get_field(User.USERNAME_FIELD))
        try:
            username_field.run_validators(name)
            if email:
                validate_email(email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": name}).exists():
            raise CommandError(
                f"A user named “{name}” already exists; nothing was changed. "
                "Choose another name, or add the existing user to the analysts group in the admin."
            )
        try:
            group = Group.objects.get(name=ANALYSTS_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                f"The “{ANALYSTS_GROUP}” group is missing: run `manage.py migrate` first."
            ) from None
        # Generated, and checked by the same validators as every other password.
        password = secrets.token_urlsafe(18)
        try:
            validate_password(password, User(**{User.USERNAME_FIELD: name, "email": email}))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user = User._default_manager.create_user(name, email=email, password=password)
            user.groups.add(group)
        self.stdout.write(
            f"Created analyst “{name}”.\n"
            f"Password (shown only this once; store it now): {password}\n"
        )
