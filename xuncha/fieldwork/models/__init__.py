"""Fieldwork (docs/architecture.md): the team's own work besides reports from the public — individual
talks (个别谈话), document requests (调阅资料), visits and meetings — and the leads (待核实问题) they raise.

One module per kind of work; this package gathers them so Django finds every model.
"""

from .briefing import BriefingAttachment, BriefingRequest, BriefingSummary  # noqa: F401
from .documents import DeliveredFile, DocumentItem, DocumentRequest  # noqa: F401
from .leads import Lead
from .talks import Interview, InterviewChange, InterviewMatter, InterviewRecord, InterviewReveal  # noqa: F401
from .visits import FieldAttachment, FieldRecord  # noqa: F401

__all__ = ["Lead"]
