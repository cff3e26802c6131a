# Complaints and routing rules moved to the `complaints` app. Their tables stay as they are (the models keep
# `db_table`), so this only forgets them in feedback's state; complaints 0001_initial takes them over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Complaint'),
                migrations.DeleteModel(name='RoutingRule'),
            ],
            database_operations=[],
        ),
    ]
