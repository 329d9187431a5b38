"""One-line fields refuse invisible direction controls (actors' and aliases' names, titles
of posts and their aliases, events' titles, places and attributions):
``lib.inputs.refuse_direction_controls``. A validator only: nothing changes in the tables.
"""

from django.db import migrations, models

import lib.inputs


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_event_newest_first_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actor",
            name="name",
            field=models.CharField(
                help_text="Canonical name.",
                max_length=200,
                unique=True,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="alias",
            name="name",
            field=models.CharField(
                help_text="Another spelling the sources use.",
                max_length=200,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="attribution",
            field=models.CharField(
                blank=True,
                help_text="Who says so, as the source puts it; blank: stated as fact.",
                max_length=300,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="location",
            field=models.CharField(
                blank=True,
                help_text="Place name.",
                max_length=200,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="title",
            field=models.CharField(
                max_length=300, validators=[lib.inputs.refuse_direction_controls]
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="attribution",
            field=models.CharField(
                blank=True,
                help_text="Who says so, as the source puts it; blank: stated as fact.",
                max_length=300,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="location",
            field=models.CharField(
                blank=True,
                help_text="Place name.",
                max_length=200,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="title",
            field=models.CharField(
                max_length=300, validators=[lib.inputs.refuse_direction_controls]
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="title",
            field=models.CharField(
                help_text="The title as sources write it.",
                max_length=200,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
        migrations.AlterField(
            model_name="postalias",
            name="name",
            field=models.CharField(
                help_text="Another way sources write the title.",
                max_length=200,
                validators=[lib.inputs.refuse_direction_controls],
            ),
        ),
    ]
