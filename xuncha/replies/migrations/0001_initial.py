"""The Reply model moves here from intake with its table (intake_reply) unchanged: state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intake", "0005_reply_moves_to_replies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reply",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("receipt", "受理告知"), ("result", "办理结果"), ("other", "其他答复")],
                                                  default="other", max_length=16, verbose_name="类型")),
                        ("content", models.TextField(verbose_name="答复内容")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                                         to=settings.AUTH_USER_MODEL)),
                        ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="replies",
                                                     to="intake.report")),
                    ],
                    options={
                        "verbose_name": "答复",
                        "verbose_name_plural": "答复",
                        "ordering": ["report", "created_at", "id"],
                        "db_table": "intake_reply",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
