"""Demo step: the ingénieur réserviste track of the demo school, a cohort at every stage, the elective.

- approved track rules for 2026-2027 (3 competencies of blocks B4/B5 at level ≥ 2, 3 ECTS from reserve,
  the elective passed, 12 months of engagement during studies, 20 days of reserve activity);
- the elective « Compétences de la défense nationale pour l'ingénieur »: the 2025-2026 edition (finished:
  attendance and grades) and the 2026-2027 edition (running: full, a waiting list, attendance taken for
  the sessions already held);
- the cohort ING3-2026 (graduating 2027): students at every stage — not started, on track, stuck (an
  engagement that ended, a failed elective), complete and waiting for the jury, mention awarded (with
  the credential and the bilingual diploma supplement, generated after the demo commits);
- a yearly engagement target and a few engagement plans.

Recognition decisions are written directly as decided requests (the recognition journey has its own demo
and tests). Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Institution, Membership, User
from parcours.frameworks.models import Competency
from parcours.portfolio.models import ReservePeriod, ReservistProfile
from parcours.recognition.models import (
    Decision,
    DecisionCompetency,
    JurySession,
    RecognitionRequest,
    ValidatedActivity,
)
from parcours.reserve.models import ActivityType, Force
from parcours.track import services
from parcours.track.enums import AttendanceStatus, CriterionKind, EnrolmentStatus, RuleSetStatus
from parcours.track.models import (
    Course,
    EngagementActivity,
    Enrolment,
    StudentNumber,
    TrackAward,
    TrackRuleSet,
)

from .accounts import MAIN_SLUG

YEAR = 2026
RULES_TITLE = "Parcours ingénieur réserviste 2026-2027"
COURSE_TITLE_FR = "Compétences de la défense nationale pour l'ingénieur"
COURSE_TITLE_EN = "National defence competencies for engineers"
PARTNERS = "Garde nationale, IHEDN, Gendarmerie nationale, Marine nationale, DGA"

#: Ten 4-hour sessions: topic, speaker, organisation.
SESSIONS = [
    (
        "La défense nationale et la Garde nationale : organisation, missions",
        "Colonel Anne Vidal",
        "Garde nationale",
    ),
    ("Stratégie de défense et souveraineté technologique", "Pierre Marchand", "IHEDN"),
    ("Cybersécurité et cyberdéfense de l'entreprise", "Commandant Yann Le Goff", "COMCYBER"),
    (
        "Protection des installations sensibles et gestion du risque",
        "Lieutenant-colonel Marc Rey",
        "Gendarmerie nationale",
    ),
    ("Gestion de crise : exercice sur table", "Capitaine de frégate Hélène Morel", "Marine nationale"),
    ("Armement, innovation et industrie de défense", "Sophie Lemaire", "DGA"),
    ("Commandement et leadership en situation dégradée", "Chef de bataillon Karim Haddad", "Armée de terre"),
    ("Résilience des réseaux et des infrastructures vitales", "Julie Perrin", "SGDSN"),
    (
        "Droit des conflits armés et éthique de l'ingénieur",
        "Professeur Luc Bertin",
        "Université de Montpellier",
    ),
    ("Soutenance des projets de groupe", "Julien Moreau", "École des mines d'Alès"),
]

#: Students of the cohort ING3-2026 and the stage the demo puts them at.
STUDENTS = [
    ("parcours-01", "Léa", "Fontaine", "awarded"),
    ("parcours-02", "Thomas", "Girard", "awarded"),
    ("parcours-03", "Inès", "Bonnet", "complete"),
    ("parcours-04", "Maxime", "Chevalier", "complete"),
    ("parcours-05", "Chloé", "Rousseau", "pending_request"),
    ("parcours-06", "Lucas", "Mercier", "enrolled"),
    ("parcours-07", "Emma", "Blanc", "esr_running"),
    ("parcours-08", "Hugo", "Guérin", "esr_ended"),
    ("parcours-09", "Manon", "Faure", "failed_elective"),
    ("parcours-10", "Nathan", "André", "not_started"),
    ("parcours-11", "Sarah", "Lambert", "not_started"),
]
#: Other students who fill the running edition and wait for a place.
CLASSMATES = [
    ("eleve-01", "Paul", "Renard"),
    ("eleve-02", "Camille", "Noël"),
    ("eleve-03", "Louis", "Perrot"),
    ("eleve-04", "Jade", "Masson"),
    ("eleve-05", "Arthur", "Colin"),
    ("eleve-06", "Zoé", "Marchal"),
    ("eleve-07", "Gabriel", "Lemoine"),
    ("eleve-08", "Alice", "Barbier"),
    ("eleve-09", "Raphaël", "Roche"),
    ("eleve-10", "Louise", "Dumas"),
    ("eleve-11", "Jules", "Caron"),
]
RUNNING_CAPACITY = 10


def build(stdout) -> None:
    institution = Institution.objects.filter(slug=MAIN_SLUG).first()
    framework = services.current_framework(institution) if institution else None
    if framework is None:
        stdout.write("Track: skipped (no published competency framework for the demo school).")
        return
    engineer = User.objects.get(email="ingenieure@demo.example.org")
    director = User.objects.get(email="directeur@demo.example.org")
    teacher = User.objects.get(email="enseignant@demo.example.org")
    cohort = Cohort.objects.get(programme__institution=institution, code="ING3-2026")

    previous = _course(institution, teacher, YEAR - 1, capacity=30, open_=False)
    running = _course(institution, teacher, YEAR, capacity=RUNNING_CAPACITY, open_=True)
    rule_set = _rules(institution, framework, engineer, director)
    if not institution.engagement_targets.filter(academic_year=YEAR).exists():
        services.engagement_target_set(
            institution=institution, academic_year=YEAR, target_days=10, actor=engineer
        )

    students = [(_student(institution, cohort, *row[:3]), row[3]) for row in STUDENTS]
    context = _Context(institution, framework, director, teacher, previous, running)
    for student, stage in students:
        context.stage(student, stage)
    context.fill_running_edition(
        [_student(institution, None, email, first, last) for email, first, last in CLASSMATES]
    )
    context.attendance(previous, until=previous.sessions.order_by("-date").first().date)
    context.attendance(running, until=timezone.localdate())
    context.grades(previous)
    for student, stage in students:
        if (
            stage == "awarded"
            and not TrackAward.objects.filter(student=student, institution=institution).exists()
        ):
            services.award_grant(
                student=student,
                institution=institution,
                actor=director,
                minutes="Parcours exemplaire ; mention décernée à l'unanimité du jury.",
                session=context.session,
            )
    counts = {}
    from parcours.track.progress import progress_for_students, status_counts

    counts = status_counts(progress_for_students(rule_set, [s.pk for s, _stage in students]))
    stdout.write(
        f"Track: rules « {rule_set.title} »; cohort {cohort.code}: "
        + ", ".join(f"{status} {n}" for status, n in counts.items())
        + f"; elective {running.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()}/{running.capacity} "
        f"enrolled, {running.enrolments.filter(status=EnrolmentStatus.WAITLISTED).count()} waiting."
    )


def _rules(institution, framework, engineer, director) -> TrackRuleSet:
    rule_set = TrackRuleSet.objects.filter(
        institution=institution, academic_year=YEAR, title=RULES_TITLE
    ).first()
    if rule_set is not None:
        return rule_set
    rule_set = services.rule_set_create(
        institution=institution,
        actor=engineer,
        academic_year=YEAR,
        title=RULES_TITLE,
        framework=framework,
        notes="Règles publiées en octobre 2026, dans les deux mois suivant la rentrée (Code de l'éducation, D611-7).",
    )
    blocks = list(framework.items.filter(item_type="block", code__in=["B4", "B5"]))
    level = framework.levels.filter(rank=2).first()
    services.criterion_add(
        rule_set=rule_set,
        actor=engineer,
        kind=CriterionKind.COMPETENCIES,
        count=3,
        min_level=level,
        blocks=blocks,
    )
    services.criterion_add(
        rule_set=rule_set, actor=engineer, kind=CriterionKind.RESERVE_ECTS, ects=Decimal("3")
    )
    services.criterion_add(rule_set=rule_set, actor=engineer, kind=CriterionKind.ELECTIVE_PASSED)
    services.criterion_add(rule_set=rule_set, actor=engineer, kind=CriterionKind.ESR_MONTHS, count=12)
    services.criterion_add(rule_set=rule_set, actor=engineer, kind=CriterionKind.RESERVE_DAYS, count=20)
    services.rule_set_transition(rule_set=rule_set, name="approve", actor=director)
    rule_set.refresh_from_db()
    assert rule_set.status == RuleSetStatus.APPROVED
    return rule_set


def _course(institution, teacher, year: int, *, capacity: int, open_: bool) -> Course:
    course = Course.objects.filter(institution=institution, academic_year=year, code="DEF-ING").first()
    if course is not None:
        return course
    course = services.course_create(
        institution=institution,
        actor=teacher,
        academic_year=year,
        code="DEF-ING",
        title_fr=COURSE_TITLE_FR,
        title_en=COURSE_TITLE_EN,
        description_fr="Enseignement optionnel d'environ 40 heures ouvert à tous les élèves ingénieurs, co-construit "
        "avec les acteurs de la défense : enjeux, organisation, cybersécurité, gestion de crise, leadership.",
        description_en="About 40 hours, open to every engineering student, co-produced with defence bodies: stakes, "
        "organisation, cybersecurity, crisis management, leadership.",
        partners=PARTNERS,
        ects=Decimal("3"),
        capacity=capacity,
        min_attendance_percent=70,
        enrolment_open=True,
    )
    first = datetime.date(year, 9, 24)
    for index, (topic, speaker, organisation) in enumerate(SESSIONS):
        services.session_create(
            course=course,
            actor=teacher,
            date=first + datetime.timedelta(weeks=index * 2),
            start_time=datetime.time(14, 0),
            duration_minutes=240,
            topic=topic,
            speaker=speaker,
            speaker_organisation=organisation,
            place="Amphithéâtre Fabre" if index % 2 else "Salle C-112",
        )
    if not open_:
        services.course_update(course=course, actor=teacher, enrolment_open=False)
    return course


def _student(institution, cohort, local: str, first: str, last: str) -> User:
    email = f"{local}@demo.example.org"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, settings.PARCOURS["DEMO_PASSWORD"], first_name=first, last_name=last
        )
    Membership.objects.get_or_create(
        user=user, institution=institution, role=Role.STUDENT, defaults={"cohort": cohort}
    )
    number = f"2190{user.pk:04d}"
    numbers = StudentNumber.objects.filter(institution=institution)
    if not numbers.filter(user=user).exists() and not numbers.filter(number=number).exists():
        StudentNumber.objects.create(institution=institution, user=user, number=number)
    return user


class _Context:
    def __init__(self, institution, framework, director, teacher, previous: Course, running: Course):
        self.institution = institution
        self.director = director
        self.teacher = teacher
        self.previous = previous
        self.running = running
        self.force = Force.objects.filter(code="armee-de-terre").first()
        self.kinds = {a.kind: a for a in ActivityType.objects.all()}
        self.competencies = {c.code: c for c in Competency.objects.filter(framework=framework)}
        self.levels = {level.rank: level for level in framework.levels.all()}
        self.session = self._jury_session()
        self.grades_to_give: dict[int, str] = {}

    def _jury_session(self) -> JurySession:
        session = JurySession.objects.filter(
            institution=self.institution, title="Jury de validation — juin 2026"
        ).first()
        if session is None:
            session = JurySession.objects.create(
                institution=self.institution,
                title="Jury de validation — juin 2026",
                date=datetime.date(2026, 6, 18),
                place="Salle du conseil",
                chair=self.director,
                status="closed",
                closed_at=timezone.now(),
            )
        return session

    # -- building blocks ------------------------------------------------------------------------------

    def profile(self, student, start: datetime.date, end: datetime.date) -> ReservistProfile:
        profile, _created = ReservistProfile.objects.get_or_create(
            user=student,
            defaults={
                "institution": self.institution,
                "status": "active" if end >= timezone.localdate() else "former",
                "force": self.force,
                "esr_start": start,
                "esr_end": end,
            },
        )
        return profile

    def period(self, profile, kind: str, start: datetime.date, days: int, title: str = "") -> ReservePeriod:
        activity = self.kinds.get(kind) or next(iter(self.kinds.values()))
        existing = profile.periods.filter(start_date=start, activity_type=activity).first()
        if existing is not None:
            return existing
        return ReservePeriod.objects.create(
            profile=profile,
            activity_type=activity,
            force=self.force,
            title=title or activity.name_fr,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            length_days=days,
            days=days,
            description="Période déclarée pour la démonstration.",
        )

    def decide(self, student, periods, lines, ects="3") -> None:
        if RecognitionRequest.objects.filter(holder=student, status="decided").exists():
            return
        now = timezone.now()
        request = RecognitionRequest.objects.create(
            holder=student,
            institution=self.institution,
            title="Reconnaissance de ma préparation militaire et de mes missions",
            status="decided",
            outcome="validated",
            submitted_at=now - datetime.timedelta(days=40),
            decided_at=now - datetime.timedelta(days=10),
            appeal_deadline=(now + datetime.timedelta(days=50)).date(),
            session=self.session,
        )
        request.periods.set(periods)
        decision = Decision.objects.create(
            request=request,
            session=self.session,
            outcome="validated",
            signed_by=self.director,
            signed_at=now - datetime.timedelta(days=10),
        )
        for index, period in enumerate(periods):
            ValidatedActivity.objects.create(
                decision=decision,
                period=period,
                ects=Decimal(ects) if index == 0 else Decimal(0),
                wording_fr="Compétences de commandement et de gestion de crise acquises en préparation militaire.",
                wording_en="Command and crisis-management competences acquired in military preparation.",
            )
        for code, rank in lines:
            competency = self.competencies.get(code)
            if competency is not None:
                DecisionCompetency.objects.create(
                    decision=decision, competency=competency, level=self.levels.get(rank)
                )

    def pending(self, student, periods) -> None:
        if RecognitionRequest.objects.filter(holder=student, status="in_jury").exists():
            return
        request = RecognitionRequest.objects.create(
            holder=student,
            institution=self.institution,
            title="Reconnaissance de ma formation initiale",
            status="in_jury",
            submitted_at=timezone.now() - datetime.timedelta(days=12),
        )
        request.periods.set(periods)

    def enrol(self, course: Course, student, grade: str | None = None) -> None:
        enrolment = Enrolment.objects.filter(course=course, student=student).first()
        if enrolment is None:  # the teacher enrols them (a closed edition accepts no self-enrolment)
            enrolment = services.enrolment_request(course=course, student=student, actor=self.teacher)
        if grade is not None and enrolment.grade is None:
            self.grades_to_give[enrolment.pk] = grade

    # -- stages ---------------------------------------------------------------------------------------

    def stage(self, student, stage: str) -> None:
        if stage == "not_started":
            return
        d = datetime.date
        if stage in ("awarded", "complete"):
            profile = self.profile(student, d(2024, 11, 1), d(2029, 10, 31))
            pmi = self.period(profile, "military_preparation", d(2025, 7, 7), 12)
            mission = self.period(profile, "mission", d(2026, 4, 13), 10)
            self.decide(student, [pmi, mission], [("C4.1", 3), ("C4.4", 2), ("C5.3", 2), ("C5.1", 2)])
            self.enrol(self.previous, student, "15.5" if stage == "awarded" else "13")
        elif stage == "pending_request":
            profile = self.profile(student, d(2025, 1, 6), d(2030, 1, 5))
            pmi = self.period(profile, "military_preparation", d(2025, 7, 7), 12)
            fmir = self.period(profile, "initial_training", d(2026, 2, 16), 12)
            self.decide(student, [pmi], [("C4.3", 2), ("C5.2", 2)])
            self.pending(student, [fmir])
            self.enrol(self.running, student)
        elif stage == "enrolled":
            profile = self.profile(student, d(2025, 3, 1), d(2028, 2, 28))
            pmi = self.period(profile, "military_preparation", d(2025, 8, 18), 12)
            self.period(profile, "mission", d(2026, 7, 6), 15)
            self.decide(student, [pmi], [("C4.1", 2), ("C4.4", 2), ("C5.3", 3)])
            self.enrol(self.running, student)
        elif stage == "esr_running":
            profile = self.profile(student, d(2026, 6, 1), d(2031, 5, 31))
            self.period(profile, "military_preparation", d(2026, 7, 6), 12)
            self.period(
                profile,
                "specialisation",
                timezone.localdate() + datetime.timedelta(days=40),
                10,
                "Stage de spécialisation protection-défense (planifié)",
            )
            plan = services.engagement_plan_for(
                student=student, institution=self.institution, academic_year=YEAR
            )
            if not plan.commitments:
                plan.commitments = "Deux missions de protection cet hiver ; tutorat des élèves de 1re année."
                plan.save(update_fields=["commitments"])
                EngagementActivity.objects.create(
                    plan=plan, title="Tutorat en mathématiques", date=d(2026, 10, 15), days=2
                )
        elif stage == "esr_ended":
            profile = self.profile(student, d(2025, 1, 6), d(2025, 9, 30))
            pmi = self.period(profile, "military_preparation", d(2025, 7, 7), 12)
            self.decide(student, [pmi], [("C4.1", 2), ("C5.3", 2), ("C5.1", 2)])
            self.enrol(self.previous, student, "12")
        elif stage == "failed_elective":
            profile = self.profile(student, d(2024, 9, 2), d(2027, 9, 1))
            pmi = self.period(profile, "military_preparation", d(2025, 7, 7), 12)
            self.period(profile, "mission", d(2026, 3, 2), 12)
            self.decide(student, [pmi], [("C4.1", 2), ("C4.4", 3), ("C5.3", 2)])
            self.enrol(self.previous, student, "7.5")

    def fill_running_edition(self, classmates) -> None:
        for student in classmates:
            self.enrol(self.running, student)

    def attendance(self, course: Course, until: datetime.date) -> None:
        enrolled = list(course.enrolments.filter(status=EnrolmentStatus.ENROLLED).order_by("pk"))
        for index, session in enumerate(course.sessions.filter(date__lte=until).order_by("date")):
            if session.attendances.exists():
                continue
            statuses = {}
            for position, enrolment in enumerate(enrolled):
                if (position + index) % 9 == 4:
                    statuses[enrolment.pk] = AttendanceStatus.ABSENT
                elif (position + index) % 11 == 7:
                    statuses[enrolment.pk] = AttendanceStatus.EXCUSED
                else:
                    statuses[enrolment.pk] = AttendanceStatus.PRESENT
            if statuses:
                services.attendance_record(session=session, actor=self.teacher, statuses=statuses)

    def grades(self, course: Course) -> None:
        grades = {
            pk: grade for pk, grade in self.grades_to_give.items() if course.enrolments.filter(pk=pk).exists()
        }
        if grades:
            services.grades_record(course=course, actor=self.teacher, grades=grades)
