"""Announcement import: clean scraped announcement text and extract its facts (pure Python).

``clean_text(raw)`` returns the cleaned, simplified text (policy in :mod:`.clean`).
``parse_announcement(text, published=None, *, add_working_days=None)`` returns::

    {"clean_text": str,
     "inspections": [{"round", "kind", "team", "targets", "start_date", "end_date",
                      "working_days", "duration_text", "intake_start", "intake_end",
                      "channels": [{"kind", "value", "postcode", "location", "hours", "source"}],
                      "scope", "postmark_counts", "holiday_calls_paused",
                      "supervision_phones", "sources"}],
     "warnings": [str],
     "inspection_warnings": [[str]]}  # the warnings of each inspection, in the order of "inspections"
"""

from .clean import clean_text
from .extract import parse_announcement

__all__ = ["clean_text", "parse_announcement"]
