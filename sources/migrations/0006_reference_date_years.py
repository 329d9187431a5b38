"""A source's reference date is a day in the years the app keeps (``lib.dates.validate_year``),
as every writer's dates are: the edit form, the API and the admin say so (no change to the
table)."""

from django.db import migrations, models

import lib.dates


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_source_history_and_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="reference_date",
            field=models.DateField(
                blank=True,
                help_text='Date used to resolve bare dates in the text, such as "March 26".',
                null=True,
                validators=[lib.dates.validate_year],
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="reference_date",
            field=models.DateField(
                blank=True,
                help_text='Date used to resolve bare dates in the text, such as "March 26".',
                null=True,
                validators=[lib.dates.validate_year],
            ),
        ),
    ]
