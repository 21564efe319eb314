"""Notification moves here from rectification (rectification 0002) with its table unchanged: state only.
The table rectification_notification, its unique (user, key) and its (user, read_at) index stay as
rectification 0001 made them; a database built from scratch gets them from there too."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("rectification", "0002_notification_to_notify"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=120)),
                        ("text", models.CharField(max_length=300, verbose_name="内容")),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed", models.BooleanField(default=False)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications",
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "提醒",
                        "verbose_name_plural": "提醒",
                        "db_table": "rectification_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="rectificati_user_id_d4ad37_idx")],
                        "constraints": [models.UniqueConstraint(fields=("user", "key"), name="uniq_notification_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
