"""Notification moves to the platform app notify (notify 0001) with its table rectification_notification,
its unique key and its index unchanged: state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
