"""Reply moves to the replies app (replies 0001) with its table (intake_reply) unchanged: state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0004_search_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Reply")],
            database_operations=[],
        ),
    ]
