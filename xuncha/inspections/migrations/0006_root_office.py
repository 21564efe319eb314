"""Everything that existed before offices goes under one root office, the platform's own, so that an
existing deployment keeps working: its rounds, inspections, targets and receiving bodies are the root's."""

from typing import Any

from django.db import migrations

ROOT_NAME = "巡察工作领导小组办公室"


def forwards(apps: Any, schema_editor: Any) -> None:
    Office = apps.get_model("inspections", "Office")
    models = [apps.get_model("inspections", n) for n in ("Round", "Inspection", "TargetOrg", "ReceivingBody")]
    if not any(m.objects.exists() for m in models):
        return  # a new deployment: the root office is made when it is first needed (office_root)
    root = Office.objects.filter(parent__isnull=True).order_by("pk").first() or Office.objects.create(name=ROOT_NAME)
    for model in models:
        model.objects.filter(office__isnull=True).update(office=root)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_offices_and_pool")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
