"""Demo step: timetables, call-ups, a study arrangement in progress and a staff member near the 30-day limit.

- The legal absence rules and the default event kind patterns are loaded from their data files.
- Each demo cohort gets a calendar group and an ADE-like export (one VEVENT per session, UTC times, the
  export stamp in the description), imported through the real importer. The semester is placed around
  today so that the demo always has a coming exam week: classes, TD, TP, a « DS », « Partiel » exams and a
  « Soutenance ».
- etudiante@demo.example.org has a call-up that clashes with « Partiel Mathématiques appliquées »; her
  arrangement request has a new date proposed by the teacher and waits for the director of studies.
- personnel@demo.example.org (public servant) has 27 of her 30 days used or planned in the year of her
  next period, which is 2 days more than a month ahead, with the absence request drafted and sent to HR.

Idempotent: the demo users' scheduling data is rebuilt; timetables are re-imported (matched by UID).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from parcours.accounts.models import Cohort, Institution, User
from parcours.reserve.models import ActivityType
from parcours.scheduling import quotas
from parcours.scheduling.enums import CallUpStatus
from parcours.scheduling.models import CalendarGroup, CallUp, CallUpPolicy, HolidayPeriod, SchedulingSettings
from parcours.scheduling.services import (
    absence_request_create,
    absence_request_transition,
    absence_rules_load,
    academic_year_range,
    arrangement_create,
    arrangement_propose,
    calendar_import,
    call_up_create,
    event_kind_patterns_load,
    period_from_dates,
)

from .accounts import MAIN_SLUG, OTHER_SLUG

STUDENT = "etudiante@demo.example.org"
STAFF = "personnel@demo.example.org"
TEACHER = "enseignant@demo.example.org"
DIRECTOR = "directeur@demo.example.org"

#: Weekly sessions: (weekday, start, end, summary, room, teacher e-mail or name).
WEEKS = {
    "ING2": [
        (0, "08:00", "10:00", "CM Thermodynamique", "Amphi A (Bâtiment Lavoisier)", "MARTIN Paul"),
        (0, "10:15", "12:15", "TD Thermodynamique", "B204", "MARTIN Paul"),
        (1, "08:00", "10:00", "CM Mécanique des fluides", "Amphi B", "ROUX Claire"),
        (1, "13:30", "17:30", "TP Mécanique des fluides", "Hall technique C", "ROUX Claire"),
        (2, "08:00", "10:00", "CM Mathématiques appliquées", "Amphi A (Bâtiment Lavoisier)", TEACHER),
        (2, "10:15", "12:15", "TD Mathématiques appliquées", "B112", TEACHER),
        (3, "10:15", "12:15", "Anglais - Gr. 3", "Salle de langues 2", "SMITH John"),
        (3, "14:00", "17:00", "Projet d'ingénierie", "Fab lab", "Équipe pédagogique"),
        (4, "08:00", "10:00", "CM Gestion de projet", "Amphi C", "LEFÈVRE Hélène"),
        (4, "10:15", "12:15", "TD Gestion de projet", "C101", "LEFÈVRE Hélène"),
    ],
    "ING1": [
        (0, "08:00", "10:00", "CM Analyse", "Amphi A (Bâtiment Lavoisier)", TEACHER),
        (1, "10:15", "12:15", "TD Analyse", "B101", TEACHER),
        (2, "13:30", "17:30", "TP Physique", "Labo P1", "GIRARD Anne"),
        (3, "08:00", "10:00", "CM Chimie", "Amphi B", "BLANC Louis"),
        (4, "10:15", "12:15", "Anglais - Gr. 1", "Salle de langues 1", "SMITH John"),
    ],
    "ING3": [
        (0, "08:00", "11:00", "CM Management des risques", "Amphi C", "LEFÈVRE Hélène"),
        (2, "14:00", "17:00", "Projet de fin d'études", "Fab lab", "Équipe pédagogique"),
        (
            3,
            "08:00",
            "10:00",
            "Séminaire obligatoire : éthique de l'ingénieur",
            "Amphi A",
            "Direction des études",
        ),
    ],
    "RISQ1": [
        (0, "08:00", "10:00", "CM Sûreté industrielle", "Amphi B", "FABRE Michel"),
        (1, "13:30", "17:30", "TP Analyse de risques", "Labo R2", "FABRE Michel"),
        (3, "10:15", "12:15", "TD Statistiques", "B204", TEACHER),
    ],
    "GC1": [
        (0, "08:00", "10:00", "CM Résistance des matériaux", "Amphi 1", "NOËL Sarah"),
        (2, "14:00", "18:00", "TP Béton", "Hall d'essais", "NOËL Sarah"),
    ],
}

#: Exam week and end-of-semester sessions: (day offset from the exam week's Monday, start, end, summary, room, teacher).
EXAMS = {
    "ING2": [
        (-39, "14:00", "16:00", "DS Thermodynamique", "Amphi A (Bâtiment Lavoisier)", "MARTIN Paul"),
        (0, "08:00", "11:00", "Partiel Thermodynamique", "Gymnase - salle d'examen", "MARTIN Paul"),
        (2, "08:30", "10:30", "Partiel Mathématiques appliquées", "Gymnase - salle d'examen", TEACHER),
        (3, "14:00", "17:00", "Partiel Mécanique des fluides", "Gymnase - salle d'examen", "ROUX Claire"),
        (37, "09:00", "12:00", "Soutenance projet d'ingénierie", "Salle du conseil", "Jury ING2"),
    ],
    "ING1": [(1, "08:00", "10:00", "Partiel Analyse", "Gymnase - salle d'examen", TEACHER)],
    "ING3": [(30, "09:00", "12:00", "Soutenance de projet de fin d'études", "Salle du conseil", "Jury ING3")],
    "RISQ1": [(2, "14:00", "16:00", "Examen Sûreté industrielle", "Amphi B", "FABRE Michel")],
    "GC1": [(3, "08:00", "11:00", "Partiel Résistance des matériaux", "Amphi 1", "NOËL Sarah")],
}

GROUPS = [
    (MAIN_SLUG, "ING1-2026", "ING1", "ING1 — 1re année (toute la promotion)"),
    (MAIN_SLUG, "ING2-2026", "ING2", "ING2 — 2e année (toute la promotion)"),
    (MAIN_SLUG, "ING3-2026", "ING3", "ING3 — 3e année (toute la promotion)"),
    (MAIN_SLUG, "RISQ1-2026", "RISQ1", "Risques et sécurité — 1re année"),
    (OTHER_SLUG, "GC1-2026", "GC1", "Génie civil — 1re année"),
]


def _holidays(institution: Institution, today: date) -> list[HolidayPeriod]:
    """School holidays of the current academic year (typical zone dates), kept as data rows."""
    start, _end = academic_year_range(institution, today)
    y = start.year
    spans = [
        ("Vacances de la Toussaint", date(y, 10, 17), date(y, 11, 1)),
        ("Vacances de Noël", date(y, 12, 19), date(y + 1, 1, 3)),
        ("Vacances d'hiver", date(y + 1, 2, 13), date(y + 1, 3, 1)),
        ("Vacances de printemps", date(y + 1, 4, 10), date(y + 1, 4, 26)),
    ]
    rows = []
    for label, first, last in spans:
        rows.append(
            HolidayPeriod.objects.update_or_create(
                institution=institution, label=label, defaults={"start_date": first, "end_date": last}
            )[0]
        )
    return rows


def _in_holidays(day: date, holidays: list[HolidayPeriod]) -> bool:
    return any(h.start_date <= day <= h.end_date for h in holidays)


def _exam_monday(today: date, holidays: list[HolidayPeriod]) -> date:
    """The Monday of the coming exam week: at least two weeks ahead, outside the holidays."""
    monday = today + timedelta(days=14 + (7 - today.weekday()) % 7)
    while any(_in_holidays(monday + timedelta(days=i), holidays) for i in range(5)):
        monday += timedelta(days=7)
    return monday


def _stamp(day: date, hhmm: str) -> str:
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545), never inside a multibyte character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _ade_export(code: str, exam_monday: date, holidays: list[HolidayPeriod], today: date) -> bytes:
    """An export as ADE writes it: one VEVENT per session, UTC, lines folded at 75 octets."""
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "PRODID:-//ADE/version 6.0",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
    ]
    export = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    sessions = []
    first_monday = exam_monday - timedelta(weeks=12)
    last_monday = exam_monday + timedelta(weeks=6)
    monday = first_monday
    while monday <= last_monday:
        if monday != exam_monday and not _in_holidays(monday, holidays):
            for weekday, start, end, summary, room, who in WEEKS[code]:
                sessions.append((monday + timedelta(days=weekday), start, end, summary, room, who))
        monday += timedelta(days=7)
    for offset, start, end, summary, room, who in EXAMS[code]:
        sessions.append((exam_monday + timedelta(days=offset), start, end, summary, room, who))
    for index, (day, start, end, summary, room, who) in enumerate(sorted(sessions)):
        organizer = who if "@" in who else ""
        teacher_name = "MOREAU Julien" if organizer else who
        uid = "ADE60" + "".join(f"{ord(c):02x}" for c in f"{code}-demo-") + f"{index:05d}"
        event = [
            "BEGIN:VEVENT",
            f"DTSTAMP:{timezone.now().strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART:{_stamp(day, start)}",
            f"DTEND:{_stamp(day, end)}",
            f"SUMMARY:{summary}",
            f"LOCATION:{room}",
            f"DESCRIPTION:\\n\\n{code}\\n{teacher_name}\\n(Exporté le:{export})\\n",
            f"UID:{uid}",
        ]
        if organizer:
            event.append(f'ORGANIZER;CN="{teacher_name}":mailto:{organizer}')
        event += [
            "CREATED:19700101T000000Z",
            f"LAST-MODIFIED:{timezone.now().strftime('%Y%m%dT%H%M%SZ')}",
            "END:VEVENT",
        ]
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode()


def _activity(code: str) -> ActivityType:
    if not ActivityType.objects.filter(code=code).exists():
        from parcours.reserve.catalogue import load_catalogue

        load_catalogue()
    return ActivityType.objects.get(code=code)


def _staff_plan(staff: User, institution: Institution, mission: ActivityType, today: date, stdout) -> None:
    """27 of 30 days used or planned in the year of the next period, which starts a month and two days ahead."""
    subdivision = quotas.settings_for(institution).public_holiday_subdivision
    start = today + timedelta(days=32)
    while not quotas.is_working_day(start, subdivision) or not quotas.is_working_day(
        start + timedelta(days=1), subdivision
    ):
        start += timedelta(days=1)
    year = start.year
    next_starts, next_ends = period_from_dates(start, start + timedelta(days=1))
    weeks_done = 0
    monday = date(year, 1, 5)
    monday -= timedelta(days=monday.weekday())
    while weeks_done < 5 and monday.year <= year:
        days = [monday + timedelta(days=i) for i in range(5)]
        clear = all(d.year == year and quotas.is_working_day(d, subdivision) for d in days)
        away = all(abs((d - start).days) > 7 for d in days) and all(abs((d - today).days) > 3 for d in days)
        if clear and away:
            starts_at, ends_at = period_from_dates(days[0], days[-1])
            call_up = CallUp.objects.create(
                reservist=staff,
                institution=institution,
                activity_type=mission,
                starts_at=starts_at,
                ends_at=ends_at,
                status=CallUpStatus.CONFIRMED if days[-1] < today else CallUpStatus.PLANNED,
                notes="Période de la démonstration.",
            )
            call_up.transitions.create(actor=staff, to_status=call_up.status)
            weeks_done += 1
            monday += timedelta(days=21)
        else:
            monday += timedelta(days=7)
    call_up = call_up_create(
        reservist=staff,
        institution=institution,
        activity_type=mission,
        starts_at=next_starts,
        ends_at=next_ends,
        notes="Exercice de protection d'un site sensible.",
    )
    request = absence_request_create(
        call_up=call_up, requester=staff, message="Je transmettrai la convocation dès réception."
    )
    absence_request_transition(request=request, action="submit", actor=staff)
    counter = quotas.absence_counter(user=staff, institution=institution, year=year, today=today)
    stdout.write(f"  {STAFF}: {counter.total}/{counter.limit} reserve days in {year} ({counter.level}).")


def build(stdout) -> None:
    today = timezone.localdate()
    absence_rules_load()
    event_kind_patterns_load()
    institutions = {i.slug: i for i in Institution.objects.filter(slug__in=[MAIN_SLUG, OTHER_SLUG])}
    main = institutions[MAIN_SLUG]
    SchedulingSettings.objects.get_or_create(institution=main, defaults={"employer_headcount": 420})
    holidays = _holidays(main, today)
    other_holidays = _holidays(institutions[OTHER_SLUG], today)
    exam_monday = _exam_monday(today, holidays)
    CallUpPolicy.objects.update_or_create(
        institution=main,
        activity_kind="military_preparation",
        defaults={
            "requires_holiday": True,
            "excused_days_after": 7,
            "label": "Préparation militaire pendant les vacances : la semaine suivante est excusée",
        },
    )
    for slug, cohort_code, code, label in GROUPS:
        institution = institutions[slug]
        cohort = Cohort.objects.filter(programme__institution=institution, code=cohort_code).first()
        group, _ = CalendarGroup.objects.update_or_create(
            institution=institution, code=code, defaults={"label": label, "cohort": cohort}
        )
        monday = exam_monday if slug == MAIN_SLUG else _exam_monday(today, other_holidays)
        result = calendar_import(
            group=group,
            data=_ade_export(code, monday, holidays if slug == MAIN_SLUG else other_holidays, today),
            source=f"ADE-{code}.ics",
            range_start=exam_monday - timedelta(weeks=14),
            range_end=exam_monday + timedelta(weeks=8),
        )
        stdout.write(f"  timetable {code}: {result.occurrences} occurrences, {result.by_kind}")

    users = {u.email: u for u in User.objects.filter(email__in=[STUDENT, STAFF, TEACHER, DIRECTOR])}
    CallUp.objects.filter(reservist__in=[users[STUDENT], users[STAFF]], institution=main).delete()
    mission = _activity("mission-operationnelle")

    # The student's call-up: Tuesday and Wednesday of the exam week, over « Partiel Mathématiques appliquées ».
    starts_at, ends_at = period_from_dates(exam_monday + timedelta(days=1), exam_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=users[STUDENT],
        institution=main,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
        notes="Convocation reçue pour une mission de protection (Sentinelle).",
    )
    exam = (
        CalendarGroup.objects.get(institution=main, code="ING2")
        .occurrences.filter(summary="Partiel Mathématiques appliquées")
        .get()
    )
    arrangement = arrangement_create(
        call_up=call_up,
        occurrence=exam,
        student=users[STUDENT],
        requested_kind="exam_rescheduling",
        teacher=users[TEACHER],
        comment="Je suis convoquée pour une mission de protection ces deux jours ; pourrais-je passer l'épreuve à une autre date ?",
    )
    catch_up = exam_monday + timedelta(days=7)
    while any(_in_holidays(catch_up + timedelta(days=i), holidays) for i in range(5)):
        catch_up += timedelta(days=7)
    new_date = datetime.combine(
        catch_up + timedelta(days=2), time(14, 0), tzinfo=timezone.get_default_timezone()
    )
    arrangement_propose(
        arrangement=arrangement,
        actor=users[TEACHER],
        solution="new_exam_date",
        proposed_starts_at=new_date,
        comment="Épreuve de remplacement le mercredi de la rentrée à 14 h, salle B112.",
    )
    stdout.write(
        f"  {STUDENT}: call-up clashing with « {exam.summary} », arrangement proposed, waiting for approval."
    )
    _staff_plan(users[STAFF], main, mission, today, stdout)
