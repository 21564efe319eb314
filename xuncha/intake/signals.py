"""Hooks of intake, for the apps above it (which intake never imports).

report_registered: a report was registered and its transaction committed; sent with `report_id`.
Triage connects to it (TriageConfig.ready) to classify the report, scope it and group duplicates.
"""

from __future__ import annotations

from django.dispatch import Signal

report_registered = Signal()
