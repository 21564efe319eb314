"""What an inspection's package holds: the models, in the order they are imported (a row's references
come before it), each with the path from the model to the inspection; the values that refer to other
rows without a foreign key; the sealed values; the natural keys of the master data.

A model added to a domain app that belongs to an inspection is added here (tests/test_registry.py
lists every model with a path to `inspections.Inspection` and fails on one that is neither exported
nor deliberately left out)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spec:
    label: str
    # Lookups from the model to the inspection (OR-ed); "" is the inspection itself. None: the rows that
    # the other exported rows refer to (master data such as receiving bodies).
    paths: tuple[str, ...] | None
    # Fields whose integer value is the id of a row of another model, without a foreign key.
    soft: dict[str, str] = field(default_factory=dict)
    # Fields left out (kept at the sender): derived, or sealed in a way only the sender can open.
    skip: tuple[str, ...] = ()
    # When a row is not known by its exchange id yet, the fields that find the same row already here.
    natural: tuple[str, ...] = ()


SPECS: tuple[Spec, ...] = (
    Spec("inspections.Round", ("inspections",), natural=("name",)),
    Spec("inspections.TargetOrg", ("inspections",), natural=("name",)),
    Spec("inspections.ReceivingBody", None, natural=("name",)),
    Spec("inspections.Team", ("inspections",), natural=("round", "name")),
    Spec("inspections.TeamMember", ("team__inspections",)),
    Spec("inspections.ConflictDeclaration", ("member__team__inspections",)),
    Spec("inspections.LeadershipMember", ("org__inspections",)),
    Spec("inspections.Inspection", ("",), natural=("public_id",)),
    Spec("inspections.Channel", ("inspection",)),
    Spec("inspections.AcceptanceHours", ("channel__inspection",)),
    Spec("inspections.MobilizationMeeting", ("inspection",)),
    Spec("inspections.MeetingSpeaker", ("meeting__inspection",)),
    Spec("intake.Report", ("inspection",), skip=("raw_source",)),
    Spec("intake.Subject", ("report__inspection",)),
    Spec("intake.Addition", ("report__inspection",)),
    Spec("intake.Attachment", ("report__inspection",)),
    Spec("intake.IdentityReveal", ("report__inspection",)),
    Spec("triage.Triage", ("inspection",), soft={"group_key": "intake.Report"}),
    Spec("triage.DedupBand", ("inspection",)),
    Spec("triage.DuplicateGroup", ("inspection",), soft={"key": "intake.Report"}),
    Spec("triage.Disposition", ("report__inspection",)),
    Spec("triage.Referral", ("report__inspection",)),
    Spec("triage.TransferBatch", ("inspection",)),
    Spec("triage.Clue", ("report__inspection",)),
    Spec("fieldwork.DocumentRequest", ("inspection",)),
    Spec("fieldwork.DocumentItem", ("request__inspection",)),
    Spec("fieldwork.DeliveredFile", ("item__request__inspection",)),
    Spec("fieldwork.BriefingRequest", ("inspection",)),
    Spec("fieldwork.BriefingAttachment", ("briefing__inspection",)),
    Spec("fieldwork.BriefingSummary", ("inspection",)),
    Spec("fieldwork.Lead", ("inspection",)),
    Spec("fieldwork.Interview", ("inspection",)),
    Spec("fieldwork.InterviewChange", ("interview__inspection",)),
    Spec("fieldwork.InterviewRecord", ("interview__inspection",)),
    Spec("fieldwork.InterviewMatter", ("record__interview__inspection",)),
    Spec("fieldwork.InterviewReveal", ("interview__inspection",)),
    Spec("fieldwork.FieldRecord", ("inspection",)),
    Spec("fieldwork.FieldAttachment", ("record__inspection",)),
    Spec("surveys.Survey", ("inspection",)),
    Spec("surveys.Question", ("survey__inspection",)),
    Spec("surveys.Response", ("survey__inspection",)),
    Spec("surveys.Answer", ("survey__inspection",)),
    Spec("surveys.TextAnswer", ("survey__inspection",)),
    Spec("surveys.Tally", ("survey__inspection",)),
    Spec("rectification.Finding", ("inspection",)),
    Spec("rectification.FindingEvidence", ("finding__inspection",)),
    Spec("rectification.FindingReview", ("finding__inspection",)),
    Spec("rectification.FindingReviewSetting", ("inspection",)),
    Spec("rectification.ImmediateNotice", ("inspection",), soft={"group_key": "intake.Report"}),
    Spec("rectification.NoticeAnswer", ("notice__inspection",)),
    Spec("rectification.Feedback", ("inspection",)),
    Spec("rectification.RectificationItem", ("inspection",)),
    Spec("rectification.ProgressReport", ("item__inspection",)),
    Spec("rectification.Evidence", ("answer__notice__inspection", "progress__item__inspection")),
    Spec("rectification.RectificationPlan", ("inspection",)),
    Spec("rectification.PlanTask", ("plan__inspection",)),
    Spec("rectification.RectificationReport", ("inspection",)),
    Spec("rectification.RectificationReview", ("plan__inspection", "report__inspection")),
    Spec("aftercare.Publication", ("inspection",)),
    Spec("aftercare.PublicationExemption", ("item__inspection",)),
    Spec("aftercare.Assessment", ("inspection",)),
    Spec("aftercare.IndicatorScore", ("assessment__inspection",)),
    Spec("aftercare.ItemScore", ("assessment__inspection",)),
    Spec("replies.Reply", ("report__inspection",)),
)

BY_LABEL = {spec.label: spec for spec in SPECS}

# Left out on purpose (the receiver cannot use them, or they are rebuilt): survey codes and their slips
# (hashed and sealed with the sender's keys: a code works only where it was handed out), the mailbox
# (its password), the search index (rebuilt on import), the inspectors' pool (each deployment keeps its
# own people; a team member keeps its name, without the link to the pool). The archive's filing is the
# sender's own act (its package stays where it was filed). Not exchanged yet: the 巡察报告 and its review
# (reporting: the report's approved version refers back to the report, a cycle the importer does not
# resolve yet) and 回头看 marks (they name findings of another inspection, which the package does not hold).
LEFT_OUT = frozenset({
    "surveys.Code", "surveys.CodeBatch", "intake.Mailbox", "intake.ReportSearch", "inspections.Person",
    "inspections.PersonRelation", "inspections.PersonRound", "inspections.Authorisation",
    "archive.Filing", "reporting.InspectionReport", "reporting.ReportVersion", "reporting.ReviewStep",
    "reporting.FeedbackMeeting", "aftercare.RevisitMark",
})

# FindingEvidence.object_id names a row of the model of its kind (xuncha.fieldwork.evidence).
EVIDENCE_KINDS = {
    "interview": "fieldwork.Interview", "visit": "fieldwork.FieldRecord", "meeting": "fieldwork.FieldRecord",
    "document": "fieldwork.DocumentItem", "report": "intake.Report", "survey": "surveys.Survey",
}

# Sealed values (xuncha.core.crypto envelopes) and the context each was sealed with. A dict field lists
# its keys as contexts ("*"); a JSON field with one sealed entry names the entry.
SEALED: dict[str, dict[str, str]] = {
    "intake.Report": {"reporter_sealed": "*", "source.caller_number_sealed": "caller_number"},
    "intake.Attachment": {"text_sealed": "attachment_text", "lines_sealed": "attachment_lines"},
    "fieldwork.Interview": {"identity_sealed": "*"},
}
