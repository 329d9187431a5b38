"""One-line fields refuse invisible direction controls (sources' titles, publishers
and authors): ``lib.inputs.refuse_direction_controls``. A validator only:
nothing changes in the tables.
"""

from django.db import migrations, models

import lib.inputs


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_passage_cited_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="author",
            field=models.CharField(
                blank=True, max_length=300, validators=[lib.inputs.refuse_direction_controls]
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="publisher",
            field=models.CharField(
                blank=True, max_length=300, validators=[lib.inputs.refuse_direction_controls]
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="title",
            field=models.CharField(
                max_length=500, validators=[lib.inputs.refuse_direction_controls]
            ),
        ),
    ]
