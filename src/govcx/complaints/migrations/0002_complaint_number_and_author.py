"""Complaint numbers (existing complaints get one), and the author's name, postal and e-mail address, consent and
language that a citizen's appeal carries (59-FZ art. 7, 152-FZ art. 9)."""

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as complaints.numbers; a migration keeps its own frozen copy


def number_existing(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    used = set()
    for complaint in Complaint.objects.filter(number__isnull=True).only("pk", "received_on").iterator():
        while True:
            body = "".join(secrets.choice(ALPHABET) for _ in range(8))
            number = f"{complaint.received_on.year:04d}-{body[:4]}-{body[4:]}"
            if number not in used:
                break
        used.add(number)
        Complaint.objects.filter(pk=complaint.pk).update(number=number)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.AddField("complaint", "number", models.CharField(max_length=20, null=True)),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField("complaint", "number", models.CharField(max_length=20, unique=True)),
        migrations.AddField("complaint", "author_name", models.CharField(blank=True, max_length=200)),
        migrations.AddField("complaint", "email", models.EmailField(blank=True, max_length=254)),
        migrations.AddField("complaint", "postal_address", models.CharField(blank=True, max_length=500)),
        migrations.AddField("complaint", "consent_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField("complaint", "language", models.CharField(blank=True, max_length=8)),
        migrations.AlterField("complaint", "contact", models.CharField(blank=True, max_length=200)),
    ]
