"""Audit-trail action names are `entity.verb` everywhere: rewrite the names older rows were stored under, so
history pages and searches by action show old and new rows alike."""

from django.db import migrations

#: (object type, old action, new action)
RENAMES = [
    ("feedback.survey", "create", "survey.create"),
    ("feedback.survey", "update", "survey.update"),
    ("feedback.survey", "import", "response.import"),
    ("standards.assessment", "assessment.checks", "assessment.rerun_checks"),
    ("standards.adjustment", "adjustment.status", "adjustment.set_status"),
    ("registry.clientcategory", "clientcategory.save", "client_category.save"),
    ("registry.lifesituation", "lifesituation.save", "life_situation.save"),
]


def forwards(apps, schema_editor):
    events = apps.get_model("accounts", "AuditEvent").objects
    for object_type, old, new in RENAMES:
        events.filter(object_type=object_type, action=old).update(action=new)


def backwards(apps, schema_editor):
    events = apps.get_model("accounts", "AuditEvent").objects
    for object_type, old, new in RENAMES:
        events.filter(object_type=object_type, action=new).update(action=old)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_alter_user_role")]

    operations = [migrations.RunPython(forwards, backwards)]
