# The term's calendar on each problem. Existing problems get a random `uid` each (a default on
# AddField would give them all one value), then the field becomes unique.

import datetime
import uuid

from django.db import migrations, models

import {{ cookiecutter.app_slug }}.models


def give_each_problem_a_uid(apps, schema_editor):
    Problem = apps.get_model("{{ cookiecutter.app_slug }}", "Problem")
    for problem in Problem.objects.using(schema_editor.connection.alias).only("pk"):
        Problem.objects.filter(pk=problem.pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("{{ cookiecutter.app_slug }}", "0002_generationrun_delivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_problem_a_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="problem",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="problem",
            name="time_zone",
            field=models.CharField(
                blank=True,
                max_length=64,
                validators=[{{ cookiecutter.app_slug }}.models.validate_time_zone],
            ),
        ),
        migrations.AddField(
            model_name="problem",
            name="term_start",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="problem",
            name="term_end",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="problem",
            name="day_start",
            field=models.TimeField(default=datetime.time(8, 0)),
        ),
        migrations.AddField(
            model_name="problem",
            name="period_minutes",
            field=models.PositiveSmallIntegerField(default=60),
        ),
    ]
