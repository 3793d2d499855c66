# Problems may come as a zip of CSV files.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("{{ cookiecutter.app_slug }}", "0003_problem_calendar"),
    ]

    operations = [
        migrations.AlterField(
            model_name="problem",
            name="source_format",
            field=models.CharField(
                choices=[
                    ("ctt", "ITC-2007 .ctt"),
                    ("ectt", "Extended .ectt"),
                    ("zip", "CSV files in a zip"),
                ],
                max_length=4,
            ),
        ),
    ]
