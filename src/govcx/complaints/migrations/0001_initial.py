# Complaints and routing rules, moved here from `feedback` with their tables (feedback_complaint,
# feedback_routingrule): the models are created in this app's state only, and the audit trail's entries about
# them are renamed to the models' new labels so that each complaint keeps its history.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED_LABELS = {'feedback.complaint': 'complaints.complaint', 'feedback.routingrule': 'complaints.routingrule'}


def _relabel_audit_events(apps, labels):
    events = apps.get_model('accounts', 'AuditEvent').objects
    for old, new in labels.items():
        events.filter(object_type=old).update(object_type=new)


def audit_events_forward(apps, schema_editor):
    _relabel_audit_events(apps, MOVED_LABELS)


def audit_events_backward(apps, schema_editor):
    _relabel_audit_events(apps, {new: old for old, new in MOVED_LABELS.items()})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_alter_user_role'),
        ('feedback', '0002_complaints_move_to_their_app'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Complaint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('topic', models.CharField(blank=True, max_length=40)),
                        ('text', models.TextField()),
                        ('contact', models.CharField(blank=True, max_length=200)),
                        ('status', models.CharField(choices=[('received', 'Received'), ('in_work', 'In Work'), ('answered', 'Answered')], default='received', max_length=10)),
                        ('received_on', models.DateField()),
                        ('day_kind', models.CharField(choices=[('calendar', 'Calendar'), ('working', 'Working')], default='calendar', max_length=8)),
                        ('due_on', models.DateField()),
                        ('extended', models.BooleanField(default=False)),
                        ('extension_reason', models.TextField(blank=True)),
                        ('answer', models.TextField(blank=True)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('status_token_hash', models.CharField(max_length=64, unique=True)),
                        ('last_reminder_on', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='complaints', to='registry.organisation')),
                        ('response', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaint', to='feedback.response')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='complaints', to='registry.service')),
                    ],
                    options={
                        'db_table': 'feedback_complaint',
                        'ordering': ['due_on', 'id'],
                        'indexes': [models.Index(fields=['organisation', 'status', 'due_on'], name='feedback_co_organis_485b37_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='RoutingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('topic', models.CharField(blank=True, max_length=40)),
                        ('handler', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.organisation')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.organisation')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.service')),
                    ],
                    options={
                        'db_table': 'feedback_routingrule',
                        'ordering': ['owner_id', 'service_id', 'topic'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(audit_events_forward, audit_events_backward),
    ]
