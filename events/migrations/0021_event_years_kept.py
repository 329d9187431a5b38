"""Dates of events keep the years every writer keeps, 1 to 9998: ``lib.dates.validate_year``.
A validator only: nothing changes in the tables.
"""

from django.db import migrations, models

import lib.dates


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_direction_controls"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="date_end",
            field=models.DateField(
                blank=True, null=True, validators=[lib.dates.validate_year], verbose_name="end"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="date_start",
            field=models.DateField(
                blank=True, null=True, validators=[lib.dates.validate_year], verbose_name="start"
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="date_end",
            field=models.DateField(
                blank=True, null=True, validators=[lib.dates.validate_year], verbose_name="end"
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="date_start",
            field=models.DateField(
                blank=True, null=True, validators=[lib.dates.validate_year], verbose_name="start"
            ),
        ),
    ]
