"""Public face of the track app for the other apps.

- ``rule_set_in_force(institution)``: the approved completion rules of the current academic year;
- ``student_progress(rule_set, student)`` / ``progress_for_students(rule_set, ids)``: where students stand
  (per criterion done / pending / missing, with explanations), in bulk;
- ``current_award(student, institution)``: the jury's award of the mention, if any;
- ``current_supplement(student, institution)``: the latest diploma supplement whose PDF is ready;
- ``sis_export_rows(institution, cohort)``: ECTS, exemptions and elective results for the SIS.
"""

from .enums import CriterionKind, CriterionState, EnrolmentStatus, TrackStatus
from .models import Course, DiplomaSupplement, Enrolment, TrackAward, TrackRuleSet
from .progress import progress_for_students, student_progress
from .selectors import current_award, current_supplement, rule_set_in_force, sis_export_rows
from .services import SUPPLEMENT_SOURCE, TrackError, supplement_issue

__all__ = [
    "SUPPLEMENT_SOURCE",
    "Course",
    "CriterionKind",
    "CriterionState",
    "DiplomaSupplement",
    "EnrolmentStatus",
    "Enrolment",
    "TrackAward",
    "TrackError",
    "TrackRuleSet",
    "TrackStatus",
    "current_award",
    "current_supplement",
    "progress_for_students",
    "rule_set_in_force",
    "sis_export_rows",
    "student_progress",
    "supplement_issue",
]
