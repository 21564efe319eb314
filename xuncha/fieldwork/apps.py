from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "xuncha.fieldwork"
    label = "fieldwork"
    verbose_name = "巡察工作"

    def ready(self) -> None:
        from .evidence_documents import register as register_document_evidence

        register_document_evidence()
        from .evidence_talks import register_all

        register_all()
        from .evidence import register
        from .selectors_briefing import briefing_ref

        register("briefing", "巡前情况通报", briefing_ref)
