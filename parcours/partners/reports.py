"""The partnership reports: one class per report, registered by code. No if-chains.

A report turns the platform's data into *records*: (institution, category, year, person, value). The
statistics module sums them into tables (institutions × categories, one per year), protects small groups
and stores the result. Records never leave this module's caller: only protected tables are shown.

Years are calendar years: the year a period started, a request was submitted, a decision signed, a
referral received. A person counts as a reservist in a year when their engagement (ESR) covers part of it
or when they declared activity that year (an active reservist without dates counts in the current year).
Each person is counted under the force of their profile and the programme of their latest cohort (staff
under « Staff »), so every table of a metric adds up over the same people.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import ClassVar, NamedTuple

from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role

from .enums import ReferralStage


class Record(NamedTuple):
    """One person's contribution to one cell (a named tuple: hundreds of thousands are made per report)."""

    institution_id: int
    category: str
    year: int
    person: object
    value: int


# --------------------------------------------------------------------------------------------------------
# Dimensions: what the categories of a report are, their order and their labels.


class Dimension:
    code: ClassVar[str]
    title: ClassVar[str | Promise]
    #: Categories that belong to one institution (programmes): national per-category totals are not
    #: published, and a view over several institutions shows one row per institution instead.
    nested: ClassVar[bool] = False

    def order(self, keys: Iterable[str], lookups: dict | None = None) -> list[str]:
        """``lookups``: a dictionary kept for one page or export, where what was read may be reused."""
        return sorted(keys)

    def labels(self, keys: Iterable[str], language: str, lookups: dict | None = None) -> dict[str, str]:
        return {key: key for key in keys}


class ForceDimension(Dimension):
    code = "force"
    title = _("Force")
    NONE = "none"

    @staticmethod
    def _forces(lookups: dict | None) -> dict[str, tuple[int, str, str]]:
        """Read at each page or export (a dimension object lives as long as the process; forces may change)."""
        lookups = {} if lookups is None else lookups
        if "forces" not in lookups:
            Force = apps.get_model("reserve", "Force")
            lookups["forces"] = {
                code: (pos, fr, en)
                for code, pos, fr, en in Force.objects.values_list("code", "position", "name_fr", "name_en")
            }
        return lookups["forces"]

    def order(self, keys, lookups=None):
        forces = self._forces(lookups)
        return sorted(keys, key=lambda k: (k == self.NONE, forces.get(k, (999, k, ""))[:2]))

    def labels(self, keys, language, lookups=None):
        forces, out = self._forces(lookups), {}
        for key in keys:
            if key == self.NONE:
                out[key] = str(_("Force not stated"))
            else:
                _pos, fr, en = forces.get(key, (0, key, ""))
                out[key] = (en or fr) if language == "en" else fr
        return out


class ProgrammeDimension(Dimension):
    code = "programme"
    title = _("Programme")
    nested = True
    STAFF = "staff"
    UNKNOWN = "unknown"

    def _programmes(self, keys, lookups: dict | None) -> dict[str, tuple[str, str, str]]:
        """The programmes among ``keys``; those already read for the page or export are not read again."""
        known = {} if lookups is None else lookups.setdefault("programmes", {})
        missing = [int(k) for k in keys if k.isdigit() and k not in known]
        if missing:
            Programme = apps.get_model("accounts", "Programme")
            rows = Programme.objects.filter(pk__in=missing).values_list("pk", "code", "name_fr", "name_en")
            known.update({str(pk): (code, fr, en) for pk, code, fr, en in rows})
        return known

    def order(self, keys, lookups=None):
        keys = list(keys)
        programmes = self._programmes(keys, lookups)
        rank = {self.STAFF: 1, self.UNKNOWN: 2}
        return sorted(keys, key=lambda k: (rank.get(k, 0), programmes.get(k, ("", k, ""))[0], k))

    def labels(self, keys, language, lookups=None):
        keys = list(keys)
        programmes, out = self._programmes(keys, lookups), {}
        for key in keys:
            if key == self.STAFF:
                out[key] = str(_("Staff"))
            elif key == self.UNKNOWN:
                out[key] = str(_("Programme not known"))
            else:
                _code, fr, en = programmes.get(key, ("", key, ""))
                out[key] = (en or fr) if language == "en" else fr
        return out


class ChoiceDimension(Dimension):
    """Categories from a fixed list (request status, decision outcome, referral stage)."""

    choices: ClassVar[list[tuple[str, str | Promise]]]

    def order(self, keys, lookups=None):
        position = {value: i for i, (value, _label) in enumerate(self.choices)}
        return sorted(keys, key=lambda k: position.get(k, 999))

    def labels(self, keys, language, lookups=None):
        names = dict(self.choices)
        return {key: str(names.get(key, key)) for key in keys}


class RequestStageDimension(ChoiceDimension):
    code = "request_stage"
    title = _("Where the request stands")
    choices = [("in_progress", _("Being examined")), ("decided", _("Decided")), ("withdrawn", _("Withdrawn"))]


class OutcomeDimension(ChoiceDimension):
    code = "outcome"
    title = _("Outcome")

    @property
    def choices(self):  # type: ignore[override]
        from parcours.recognition.enums import Outcome

        return list(Outcome.choices)


class ReferralStageDimension(ChoiceDimension):
    code = "referral_stage"
    title = _("Stage")
    choices = list(ReferralStage.choices)


FORCE = ForceDimension()
PROGRAMME = ProgrammeDimension()


# --------------------------------------------------------------------------------------------------------
# Facts shared by the reports of one computation (people, their force and programme, days per year).


class Facts:
    """Loads, once per computation, what several reports need. Everything is keyed by ids."""

    def __init__(self, years: Iterable[int]) -> None:
        self.years = sorted(set(years))
        self.first, self.last = self.years[0], self.years[-1]

    def year_range(self) -> tuple[date, date]:
        return date(self.first, 1, 1), date(self.last, 12, 31)

    @cached_property
    def programme_of(self) -> dict[tuple[int, int], str]:
        """(user, institution) → programme key: the latest cohort's programme, « staff », or « unknown »."""
        Membership = apps.get_model("accounts", "Membership")
        out: dict[tuple[int, int], tuple[int, str]] = {}
        rows = Membership.objects.filter(role__in=[Role.STUDENT, Role.STAFF]).values_list(
            "user_id", "institution_id", "role", "cohort__programme_id", "cohort__academic_year"
        )
        for user_id, institution_id, role, programme_id, year in rows.iterator(chunk_size=5000):
            if role == Role.STUDENT and programme_id:
                candidate = (2, year or 0), str(programme_id)
            elif role == Role.STAFF:
                candidate = (1, 0), ProgrammeDimension.STAFF
            else:
                candidate = (0, 0), ProgrammeDimension.UNKNOWN
            key = (user_id, institution_id)
            if key not in out or candidate[0] > out[key][0]:
                out[key] = candidate
        return {key: value for key, (_rank, value) in out.items()}

    def programme(self, user_id: int, institution_id: int) -> str:
        return self.programme_of.get((user_id, institution_id), ProgrammeDimension.UNKNOWN)

    @cached_property
    def profiles(self) -> dict[int, tuple[int, int, str, str, date | None, date | None]]:
        """profile id → (user, institution, force code, status, ESR start, ESR end)."""
        Profile = apps.get_model("portfolio", "ReservistProfile")
        rows = Profile.objects.values_list(
            "pk", "user_id", "institution_id", "force__code", "status", "esr_start", "esr_end"
        )
        return {
            pk: (user_id, inst, force or ForceDimension.NONE, status, start, end)
            for pk, user_id, inst, force, status, start, end in rows.iterator(chunk_size=5000)
        }

    @cached_property
    def days(self) -> dict[tuple[int, int], int]:
        """(profile, year) → days of activity declared in periods that started that year.

        One query per year on a date range (not a year extracted per row, which SQLite computes in Python).
        """
        Period = apps.get_model("portfolio", "ReservePeriod")
        out: dict[tuple[int, int], int] = {}
        for year in self.years:
            rows = (
                Period.objects.filter(start_date__gte=date(year, 1, 1), start_date__lte=date(year, 12, 31))
                .values_list("profile_id")
                .annotate(total=Sum("days"))
                .order_by()
            )
            for profile, total in rows.iterator(chunk_size=10000):
                out[(profile, year)] = total
        return out

    @cached_property
    def reservist_years(self) -> dict[int, set[int]]:
        """profile id → the years (among ours) in which the person counts as a reservist."""
        current = timezone.localdate().year
        counted = {"active", "former"}
        out: dict[int, set[int]] = {}
        for pk, (_user, _inst, _force, status, start, end) in self.profiles.items():
            if status not in counted:
                continue
            years: set[int] = set()
            if start:
                last = (end or date(max(current, self.last), 12, 31)).year
                years = {y for y in self.years if start.year <= y <= last}
            elif status == "active" and current in self.years:
                years = {current}
            if years:
                out[pk] = years
        for profile, year in self.days:
            info = self.profiles.get(profile)
            if info and info[3] in counted:
                out.setdefault(profile, set()).add(year)
        return out


def _year(moment) -> int:
    return timezone.localtime(moment).year if timezone.is_aware(moment) else moment.year


# --------------------------------------------------------------------------------------------------------
# The reports.


class Report:
    code: ClassVar[str]
    title: ClassVar[str | Promise]
    description: ClassVar[str | Promise]
    unit: ClassVar[str | Promise]
    section: ClassVar[str]
    #: Reports of one metric count the same people in another breakdown: their totals are protected together.
    metric: ClassVar[str]
    dimension: ClassVar[Dimension]
    #: "count": the value is a number of people or files; "sum": a quantity (days, ECTS).
    kind: ClassVar[str] = "count"
    scale: ClassVar[int] = 1
    decimals: ClassVar[int] = 0
    #: Each person falls in one cell (one institution, one category) per year, with a single record: the
    #: totals' contributors are then the sums of the cells'. True for figures about the reservist's profile
    #: (one institution, force, programme); requests, decisions and referrals may count a person twice.
    one_cell_per_person: ClassVar[bool] = False

    def available(self) -> bool:
        return True

    def records(self, facts: Facts) -> Iterator[Record]:
        raise NotImplementedError


REGISTRY: dict[str, Report] = {}

SECTIONS: list[tuple[str, str | Promise]] = [
    ("reservists", _("Reservists")),
    ("activity", _("Days of activity")),
    ("recognition", _("Recognition")),
    ("track", _("Elective course and track")),
    ("referrals", _("Referrals")),
]


def register(cls: type[Report]) -> type[Report]:
    REGISTRY[cls.code] = cls()
    return cls


def available_reports() -> list[Report]:
    return [report for report in REGISTRY.values() if report.available()]


class _ByForce:
    """Each person under the force of their profile."""

    dimension = FORCE

    def category(self, facts, user_id, institution_id, force):
        return force


class _ByProgramme:
    """Each person under the programme of their latest cohort (staff apart)."""

    dimension = PROGRAMME

    def category(self, facts, user_id, institution_id, force):
        return facts.programme(user_id, institution_id)


class _ReservistsReport(Report):
    one_cell_per_person = True
    section = "reservists"
    metric = "reservists"
    unit = _("people")

    def category(self, facts: Facts, user_id: int, institution_id: int, force: str) -> str:
        raise NotImplementedError

    def records(self, facts):
        for pk, years in facts.reservist_years.items():
            user_id, inst, force, *_rest = facts.profiles[pk]
            category = self.category(facts, user_id, inst, force)
            for year in years:
                yield Record(inst, category, year, user_id, 1)


@register
class ReservistsByForce(_ByForce, _ReservistsReport):
    code = "reservists_by_force"
    title = _("Reservists by force")
    description = _("People serving in the operational reserve during the year, by force.")


@register
class ReservistsByProgramme(_ByProgramme, _ReservistsReport):
    code = "reservists_by_programme"
    title = _("Reservists by programme")
    description = _("People serving in the operational reserve during the year, by programme (staff apart).")


class _DaysReport(Report):
    one_cell_per_person = True
    section = "activity"
    metric = "days"
    kind = "sum"
    unit = _("days")

    def category(self, facts: Facts, user_id: int, institution_id: int, force: str) -> str:
        raise NotImplementedError

    def records(self, facts):
        for (pk, year), days in facts.days.items():
            info = facts.profiles.get(pk)
            if info is None or not days:
                continue
            user_id, inst, force, *_rest = info
            yield Record(inst, self.category(facts, user_id, inst, force), year, user_id, int(days))


@register
class DaysByForce(_ByForce, _DaysReport):
    code = "days_by_force"
    title = _("Days of activity declared, by force")
    description = _(
        "Days of reserve activity declared by the reservists, for the periods that started in the year."
    )


@register
class DaysByProgramme(_ByProgramme, _DaysReport):
    code = "days_by_programme"
    title = _("Days of activity declared, by programme")
    description = _("Days of reserve activity declared, by the reservist's programme (staff apart).")


@register
class RequestsByStage(Report):
    code = "requests_by_stage"
    title = _("Recognition requests submitted")
    description = _(
        "Requests for the recognition of reserve activities submitted in the year, and where they stand."
    )
    section = "recognition"
    metric = "requests"
    unit = _("requests")
    dimension = RequestStageDimension()

    def records(self, facts):
        from parcours.recognition.enums import RequestStatus
        from parcours.recognition.models import RecognitionRequest

        stage = {
            RequestStatus.DECIDED: "decided",
            RequestStatus.APPEALED: "decided",
            RequestStatus.WITHDRAWN: "withdrawn",
        }
        start, end = facts.year_range()
        rows = (
            RecognitionRequest.objects.exclude(status=RequestStatus.DRAFT)
            .filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
            .values_list("institution_id", "holder_id", "status", "submitted_at")
        )
        for inst, holder, status, submitted in rows.iterator(chunk_size=5000):
            year = _year(submitted)
            if year in facts.years:
                yield Record(inst, stage.get(status, "in_progress"), year, holder, 1)


@register
class DecisionsByOutcome(Report):
    code = "decisions_by_outcome"
    title = _("Jury decisions by outcome")
    description = _("Current decisions signed in the year on recognition requests, by outcome.")
    section = "recognition"
    metric = "decisions"
    unit = _("decisions")
    dimension = OutcomeDimension()

    def records(self, facts):
        from parcours.recognition.models import Decision

        start, end = facts.year_range()
        rows = Decision.objects.filter(
            is_current=True, signed_at__date__gte=start, signed_at__date__lte=end
        ).values_list("request__institution_id", "request__holder_id", "outcome", "signed_at")
        for inst, holder, outcome, signed in rows.iterator(chunk_size=5000):
            year = _year(signed)
            if year in facts.years:
                yield Record(inst, outcome, year, holder, 1)


class _ValidatedReport(Report):
    section = "recognition"
    dimension = PROGRAMME

    def rows(self, facts: Facts):
        from parcours.recognition.models import ValidatedActivity

        start, end = facts.year_range()
        return ValidatedActivity.objects.filter(
            is_current=True,
            decision__is_current=True,
            decision__signed_at__date__gte=start,
            decision__signed_at__date__lte=end,
        )

    def value(self, row) -> int:
        raise NotImplementedError

    def records(self, facts):
        rows = self.annotate(self.rows(facts)).values_list(
            "decision__request__institution_id",
            "decision__request__holder_id",
            "decision__signed_at",
            "amount",
        )
        for inst, holder, signed, amount in rows.iterator(chunk_size=5000):
            value = self.value(amount)
            year = _year(signed)
            if value and year in facts.years:
                yield Record(inst, facts.programme(holder, inst), year, holder, value)

    def annotate(self, queryset):
        raise NotImplementedError


@register
class EctsByProgramme(_ValidatedReport):
    code = "ects_by_programme"
    title = _("ECTS credits granted")
    description = _("ECTS credits granted for reserve activities by the decisions signed in the year.")
    metric = "ects"
    kind = "sum"
    scale = 100
    decimals = 1
    unit = _("ECTS")

    def annotate(self, queryset):
        from django.db.models import F

        return queryset.annotate(amount=F("ects"))

    def value(self, amount) -> int:
        return int((Decimal(amount or 0) * self.scale).to_integral_value())


@register
class ExemptedUnitsByProgramme(_ValidatedReport):
    code = "exempted_units_by_programme"
    title = _("Teaching units exempted")
    description = _("Exemptions from teaching units granted by the decisions signed in the year.")
    metric = "exempted_units"
    unit = _("exemptions")

    def annotate(self, queryset):
        return queryset.annotate(amount=Count("exempted_units"))

    def value(self, amount) -> int:
        return int(amount or 0)


@register
class InternshipWeeksByProgramme(_ValidatedReport):
    code = "internship_weeks_by_programme"
    title = _("Internship weeks exempted")
    description = _("Weeks of internship exempted by the decisions signed in the year.")
    metric = "internship_weeks"
    kind = "sum"
    unit = _("weeks")

    def annotate(self, queryset):
        from django.db.models import F

        return queryset.annotate(amount=F("internship_weeks_exempted"))

    def value(self, amount) -> int:
        return int(amount or 0)


class _TrackReport(Report):
    """Figures of the track app (elective course, track mentions), computed only when it is installed."""

    section = "track"
    dimension = PROGRAMME

    def available(self) -> bool:
        return apps.is_installed("parcours.track")

    def rows(self, start: date, end: date):
        """(institution id, student id, moment) of each counted item."""
        raise NotImplementedError

    def records(self, facts):
        start, end = facts.year_range()
        for inst, user_id, moment in self.rows(start, end).iterator(chunk_size=5000):
            if moment is None:
                continue
            year = _year(moment)
            if year in facts.years:
                yield Record(inst, facts.programme(user_id, inst), year, user_id, 1)


@register
class ElectiveEnrolments(_TrackReport):
    code = "elective_enrolments"
    title = _("Enrolments in the elective course")
    description = _(
        "Students enrolled in the elective “Compétences de la défense nationale pour l'ingénieur” (year of enrolment)."
    )
    metric = "elective_enrolments"
    unit = _("students")

    def rows(self, start, end):
        Enrolment = apps.get_model("track", "Enrolment")
        return Enrolment.objects.filter(
            status="enrolled", requested_at__date__gte=start, requested_at__date__lte=end
        ).values_list("course__institution_id", "student_id", "requested_at")


@register
class ElectivePasses(_TrackReport):
    code = "elective_passes"
    title = _("Elective course passed")
    description = _("Students who passed the elective course (year of grading).")
    metric = "elective_passes"
    unit = _("students")

    def rows(self, start, end):
        Enrolment = apps.get_model("track", "Enrolment")
        return Enrolment.objects.filter(
            status="enrolled", result="passed", graded_at__date__gte=start, graded_at__date__lte=end
        ).values_list("course__institution_id", "student_id", "graded_at")


@register
class TrackMentions(_TrackReport):
    code = "track_mentions"
    title = _("“Ingénieur réserviste” mentions awarded")
    description = _("Track mentions awarded by the jury in the year and not revoked.")
    metric = "track_mentions"
    unit = _("mentions")

    def rows(self, start, end):
        TrackAward = apps.get_model("track", "TrackAward")
        return TrackAward.objects.filter(
            status="awarded", decided_at__date__gte=start, decided_at__date__lte=end
        ).values_list("institution_id", "student_id", "decided_at")


@register
class ReferralsByStage(Report):
    code = "referrals_by_stage"
    title = _("Referrals to the Garde nationale")
    description = _(
        "People who asked to be contacted, by the stage their referral reached (received in the year)."
    )
    section = "referrals"
    metric = "referrals"
    unit = _("people")
    dimension = ReferralStageDimension()

    def records(self, facts):
        from .models import Referral, ReferralTally

        start, end = facts.year_range()
        rows = (
            Referral.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
            .only("institution_id", "declaration__user_id", "stage", "closed_from", "created_at")
            .select_related("declaration")
        )
        for referral in rows.iterator(chunk_size=5000):
            year = _year(referral.created_at)
            if year in facts.years:
                person = ("person", referral.declaration.user_id)
                yield Record(referral.institution_id, referral.reported_stage, year, person, 1)
        for tally in ReferralTally.objects.filter(year__in=facts.years):
            for n in range(tally.count):
                yield Record(tally.institution_id, tally.stage, tally.year, ("purged", tally.pk, n), 1)
