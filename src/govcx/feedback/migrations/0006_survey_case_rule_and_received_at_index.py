from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0005_survey_life'),
    ]

    operations = [
        migrations.AddField(
            model_name='survey',
            name='case_rating_at_most',
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['received_at'], name='response_received_at'),
        ),
    ]
