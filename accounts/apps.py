from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who may do what: analysts, sign-in and the ``create_analyst`` command."""

    name = "accounts"
    verbose_name = "accounts"
