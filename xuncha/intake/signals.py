"""Hooks of intake, for the apps above it (which intake never imports).

report_registered: a report was registered and its transaction committed; sent with `report_id`.
Triage connects to it (TriageConfig.ready) to classify the report, scope it and group duplicates.
"""

from __future__ import annotations

from django.dispatch import Signal

report_registered = Signal()

# report_content_read: the text of a report's attachments was read (OCR or a text layer) and committed;
# the content may have been filled from it. Sent with `report_id`; triage proposes again on the new text.
report_content_read = Signal()
