"""The "analysts" group: its members see drafts and edit events, sources and citations."""

from django.db import migrations

ANALYSTS_GROUP = "analysts"


def create(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.get_or_create(name=ANALYSTS_GROUP)


def drop(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=ANALYSTS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, drop)]
