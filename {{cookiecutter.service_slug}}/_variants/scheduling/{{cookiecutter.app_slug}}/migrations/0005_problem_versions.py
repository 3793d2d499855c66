# Problems change after their revisions: each revision records the problem version it was made
# for (existing ones are taken to be of the current version: nothing tells which edits came
# after them); courses and rooms are removed softly, so revisions keep what they placed; and a
# problem may be entered in the service rather than imported.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def of_the_current_version(apps, schema_editor):
    Problem = apps.get_model("{{ cookiecutter.app_slug }}", "Problem")
    Revision = apps.get_model("{{ cookiecutter.app_slug }}", "Revision")
    version = Problem.objects.filter(pk=OuterRef("problem_id")).values("version")[:1]
    Revision.objects.using(schema_editor.connection.alias).update(
        problem_version=Subquery(version)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("{{ cookiecutter.app_slug }}", "0004_problem_source_zip"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="problem_version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(of_the_current_version, migrations.RunPython.noop),
        migrations.AddField(
            model_name="course",
            name="removed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="room",
            name="removed",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="problem",
            name="source_format",
            field=models.CharField(
                choices=[
                    ("ctt", "ITC-2007 .ctt"),
                    ("ectt", "Extended .ectt"),
                    ("zip", "CSV files in a zip"),
                    ("web", "Entered in the service"),
                ],
                max_length=4,
            ),
        ),
    ]
