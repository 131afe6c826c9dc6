"""The ingénieur réserviste track: the student's progress, the elective, engagement plans, the engineer's
overview, the rules, the jury's award and the diploma supplements."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role, role_required
from parcours.track import permissions, selectors, services
from parcours.track.enums import CriterionKind, TrackStatus
from parcours.track.models import EngagementActivity, Enrolment, TrackCriterion
from parcours.track.progress import academic_year_of, student_progress
from parcours.track.rules import describe_criterion, rule_set_problems
from parcours.track.services import TrackError
from parcours.web.forms import is_id
from parcours.web.forms_errors import add_service_error

from .forms import (
    ActivityForm,
    AwardForm,
    BatchForm,
    CohortFilterForm,
    CommitmentsForm,
    CourseForm,
    CriterionForm,
    EngagementTargetForm,
    ReasonForm,
    RuleSetForm,
    SessionForm,
    TransitionForm,
)

student_required = role_required(Role.STUDENT)
staff_required = role_required(*permissions.TRACK_STAFF)
editor_required = role_required(*permissions.RULE_EDITORS)
course_people_required = role_required(Role.STUDENT, *permissions.COURSE_MANAGERS)
course_managers_required = role_required(*permissions.COURSE_MANAGERS)

PAGE_SIZE = 50


def _staff_institution(request: HttpRequest, roles=permissions.TRACK_STAFF):
    """The institution the staff member works on: ``?institution=slug`` among theirs, else the first."""
    institutions = institutions_with_role(request.user, *roles).order_by("name")
    slug = request.GET.get("institution") or request.POST.get("institution")
    institution = institutions.filter(slug=slug).first() if slug else institutions.first()
    if institution is None:
        raise PermissionDenied
    return institution, institutions


def _student_institution(request: HttpRequest):
    institution = selectors.student_institution(request.user)
    if institution is None:
        raise PermissionDenied
    return institution


def _supplement_url(supplement) -> str:
    return (
        reverse("document_download", kwargs={"public_id": supplement.document_public_id})
        if supplement
        else ""
    )


# --- Student ---------------------------------------------------------------------------------------------


@require_GET
def track_home(request: HttpRequest) -> HttpResponse:
    """The student's path: what is done, missing and pending; the engagement plan; the mention."""
    user = request.user
    if not has_role(user, Role.STUDENT):
        if has_role(user, *permissions.TRACK_STAFF):
            return redirect("track_overview")
        if has_role(user, Role.TEACHER):
            return redirect("track_course_list")
        raise PermissionDenied
    institution = _student_institution(request)
    rule_set = selectors.rule_set_in_force(institution)
    progress = student_progress(rule_set, user, cached=True) if rule_set else None
    year = academic_year_of(institution)
    plan = services.engagement_plan_for(student=user, institution=institution, academic_year=year)
    supplement = selectors.current_supplement(user, institution)
    return render(
        request,
        "track/home.html",
        {
            "institution": institution,
            "rule_set": rule_set,
            "progress": progress,
            "engagement": selectors.engagement_summary(user, institution, year, plan),
            "award": selectors.current_award(user, institution),
            "supplement": supplement,
            "courses": selectors.course_list(user).filter(institution=institution, academic_year=year),
        },
    )


@student_required
@require_http_methods(["GET", "POST"])
def engagement_plan(request: HttpRequest) -> HttpResponse:
    institution = _student_institution(request)
    year = academic_year_of(institution)
    plan = services.engagement_plan_for(student=request.user, institution=institution, academic_year=year)
    commitments_form = CommitmentsForm(initial={"commitments": plan.commitments})
    activity_form = ActivityForm()
    if request.method == "POST":
        if request.POST.get("action") == "commitments":
            commitments_form = CommitmentsForm(request.POST)
            if commitments_form.is_valid():
                services.engagement_plan_update(
                    plan=plan, actor=request.user, commitments=commitments_form.cleaned_data["commitments"]
                )
                messages.success(request, _("Your commitments are saved."))
                return redirect("track_engagement")
        else:
            activity_form = ActivityForm(request.POST)
            if activity_form.is_valid():
                try:
                    services.engagement_activity_add(
                        plan=plan, actor=request.user, **activity_form.cleaned_data
                    )
                except TrackError as exc:
                    add_service_error(activity_form, exc)
                else:
                    messages.success(request, _("The activity counts toward your plan."))
                    return redirect("track_engagement")
    return render(
        request,
        "track/engagement.html",
        {
            "plan": plan,
            "summary": selectors.engagement_summary(request.user, institution, year, plan),
            "commitments_form": commitments_form,
            "activity_form": activity_form,
        },
    )


@require_POST
def engagement_activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        EngagementActivity.objects.select_related("plan"), pk=pk, plan__student=request.user
    )
    services.engagement_activity_remove(activity=activity, actor=request.user)
    messages.success(request, _("The activity was removed."))
    return redirect("track_engagement")


@student_required
@require_GET
def supplement_download(request: HttpRequest) -> HttpResponse:
    """The student's current diploma supplement (served by the documents app, which logs the download)."""
    supplement = selectors.current_supplement(request.user, _student_institution(request))
    if supplement is None:
        raise Http404
    return redirect(_supplement_url(supplement))


# --- Elective course -------------------------------------------------------------------------------------


@course_people_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.course_list(request.user))
    for course in courses:
        course.manageable = permissions.can_manage_course(request.user, course)
        course.hours = (course.minutes or 0) / 60
    can_create = has_role(request.user, *permissions.COURSE_CREATORS)
    return render(request, "track/course_list.html", {"courses": courses, "can_create": can_create})


@course_people_required
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user, pk)
    enrolment = selectors.enrolment_of(course, request.user)
    is_student = permissions.is_student_of(request.user, course.institution_id)
    return render(
        request,
        "track/course_detail.html",
        {
            "course": course,
            "sessions": course.sessions.all(),
            "hours": selectors.course_hours(course),
            "teachers": course.teachers.all(),
            "enrolment": enrolment,
            "position": services.waiting_position(enrolment) if enrolment else None,
            "is_student": is_student,
            "can_manage": permissions.can_manage_course(request.user, course),
            "enrolled_count": course.enrolments.filter(status="enrolled").count(),
        },
    )


@require_POST
def course_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user, pk)
    try:
        enrolment = services.enrolment_request(course=course, student=request.user, actor=request.user)
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        if enrolment.status == "enrolled":
            messages.success(request, _("You are enrolled."))
        else:
            messages.warning(
                request,
                _(
                    "The course is full (%(capacity)s places): you are number %(position)s on the waiting list."
                )
                % {"capacity": course.capacity, "position": services.waiting_position(enrolment)},
            )
    return redirect("track_course_detail", pk=pk)


@require_POST
def course_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user, pk)
    enrolment = get_object_or_404(Enrolment, course=course, student=request.user)
    try:
        services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your enrolment is withdrawn."))
    return redirect("track_course_detail", pk=pk)


def _teacher_choices(institution):
    from parcours.accounts.models import User

    return User.objects.filter(
        memberships__institution=institution,
        memberships__role=Role.TEACHER,
        memberships__is_active=True,
    ).distinct()


@role_required(*permissions.COURSE_CREATORS)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    institution, _all = _staff_institution(request, permissions.COURSE_CREATORS)
    year = academic_year_of(institution)
    form = CourseForm(
        request.POST or None,
        teacher_choices=_teacher_choices(institution),
        initial={
            "academic_year": year,
            "code": "DEF-ING",
            "title_fr": "Compétences de la défense nationale pour l'ingénieur",
            "title_en": "National defence competencies for engineers",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        teachers = data.pop("teachers", [])
        try:
            course = services.course_create(
                institution=institution, actor=request.user, teachers=teachers, **data
            )
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The course is created: add its sessions."))
            return redirect("track_course_manage", pk=course.pk)
    return render(request, "track/course_form.html", {"form": form, "course": None})


@course_managers_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_managed_by(request.user, pk)
    form = CourseForm(
        request.POST or None, instance=course, teacher_choices=_teacher_choices(course.institution)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        teachers = data.pop("teachers", [])
        course.refresh_from_db()  # the form wrote into the instance; the service compares with the stored values
        try:
            services.course_update(course=course, actor=request.user, teachers=teachers, **data)
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("track_course_manage", pk=course.pk)
    return render(request, "track/course_form.html", {"form": form, "course": course})


@course_managers_required
@require_GET
def course_manage(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_managed_by(request.user, pk)
    return render(
        request,
        "track/course_manage.html",
        {
            "course": course,
            "sessions": course.sessions.annotate(n_attendance=Count("attendances")),
            "hours": selectors.course_hours(course),
            "rows": selectors.enrolments_of_course(course),
        },
    )


@require_POST
def enrolment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.filter(course__in=selectors.courses_visible_to(request.user)).select_related(
            "course"
        ),
        pk=pk,
    )
    if not permissions.can_manage_course(request.user, enrolment.course):
        raise PermissionDenied
    try:
        if action == "promote":
            services.enrolment_promote(enrolment=enrolment, actor=request.user)
            messages.success(request, _("%(student)s is enrolled.") % {"student": enrolment.student})
        elif action == "withdraw":
            services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
            messages.success(
                request, _("%(student)s's enrolment is withdrawn.") % {"student": enrolment.student}
            )
        else:
            raise Http404
    except TrackError as exc:
        messages.error(request, str(exc))
    return redirect("track_course_manage", pk=enrolment.course_id)


@course_managers_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_managed_by(request.user, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(course=course, actor=request.user, **form.cleaned_data)
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The session is added."))
            return redirect("track_course_manage", pk=course.pk)
    return render(request, "track/session_form.html", {"form": form, "course": course, "session": None})


@course_managers_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_managed_by(request.user, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        session.refresh_from_db()
        try:
            services.session_update(session=session, actor=request.user, **form.cleaned_data)
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("track_course_manage", pk=session.course_id)
    return render(
        request, "track/session_form.html", {"form": form, "course": session.course, "session": session}
    )


@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_managed_by(request.user, pk)
    try:
        services.session_delete(session=session, actor=request.user)
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The session is deleted."))
    return redirect("track_course_manage", pk=session.course_id)


@course_managers_required
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    from parcours.track.enums import AttendanceStatus

    session = selectors.session_managed_by(request.user, pk)
    sheet = selectors.attendance_sheet(session)
    if request.method == "POST":
        statuses = {}
        for enrolment, _current in sheet:
            value = request.POST.get(f"status-{enrolment.pk}", "")
            if value:
                statuses[enrolment.pk] = value
        try:
            count = services.attendance_record(session=session, actor=request.user, statuses=statuses)
        except TrackError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attendance recorded for %(n)s students.") % {"n": count})
            return redirect("track_course_manage", pk=session.course_id)
    return render(
        request,
        "track/attendance.html",
        {"session": session, "course": session.course, "sheet": sheet, "choices": AttendanceStatus.choices},
    )


@course_managers_required
@require_http_methods(["GET", "POST"])
def course_grades(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_managed_by(request.user, pk)
    rows = selectors.enrolments_of_course(course)["enrolled"]
    errors = ""
    if request.method == "POST":
        grades = {row.pk: request.POST.get(f"grade-{row.pk}", "") for row in rows}
        try:
            changed = services.grades_record(course=course, actor=request.user, grades=grades)
        except TrackError as exc:
            errors = str(exc)
            for row in rows:
                row.typed = grades.get(row.pk, "")
        else:
            messages.success(request, _("Grades recorded (%(n)s changed).") % {"n": len(changed)})
            return redirect("track_course_manage", pk=course.pk)
    return render(request, "track/grades.html", {"course": course, "rows": rows, "errors": errors})


# --- Staff: overview, student, rules ---------------------------------------------------------------------


@staff_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    institution, institutions = _staff_institution(request)
    rule_set = selectors.rule_set_in_force(institution)
    summaries = selectors.institution_overview(institution, rule_set) if rule_set else []
    return render(
        request,
        "track/overview.html",
        {
            "institution": institution,
            "institutions": institutions,
            "rule_set": rule_set,
            "summaries": summaries,
            "statuses": TrackStatus.choices,
            "target": selectors.engagement_target(institution, academic_year_of(institution)),
        },
    )


@staff_required
@require_GET
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from parcours.accounts.models import Cohort

    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__institution"),
        pk=pk,
        programme__institution__in=permissions.staff_institutions(request.user),
    )
    institution = cohort.programme.institution
    rule_set = selectors.rule_set_in_force(institution)
    form = CohortFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    counts: dict[str, int] = {}
    page = Paginator([], PAGE_SIZE).get_page(1)
    if rule_set is not None:
        listing = selectors.cohort_listing(institution, cohort, rule_set, status=status, query=query)
        counts = listing.counts
        page = Paginator(listing.ids, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.cohort_rows(institution, list(page.object_list), listing.progress)
    target = selectors.engagement_target(institution, academic_year_of(institution))
    return render(
        request,
        "track/cohort.html",
        {
            "cohort": cohort,
            "institution": institution,
            "rule_set": rule_set,
            "form": form,
            "page_obj": page,
            "counts": [(value, label, counts.get(value, 0)) for value, label in TrackStatus.choices],
            "target": target,
            "query_string": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@staff_required
@require_GET
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student, institution = selectors.student_for_staff(request.user, pk)
    rule_set = selectors.rule_set_in_force(institution)
    progress = student_progress(rule_set, student, cached=True) if rule_set else None
    year = academic_year_of(institution)
    from parcours.track.models import EngagementPlan

    plan = EngagementPlan.objects.filter(student=student, institution=institution, academic_year=year).first()
    award = selectors.current_award(student, institution)
    return render(
        request,
        "track/student.html",
        {
            "student": student,
            "institution": institution,
            "rule_set": rule_set,
            "progress": progress,
            "engagement": selectors.engagement_summary(student, institution, year, plan),
            "plan": plan,
            "award": award,
            "past_awards": selectors.awards_of(institution)
            .filter(student=student)
            .exclude(pk=getattr(award, "pk", None)),
            "is_jury": permissions.is_jury(request.user, institution),
            "award_form": AwardForm(institution=institution),
            "revoke_form": ReasonForm(),
            "supplement": selectors.current_supplement(student, institution),
            "supplement_url": _supplement_url(selectors.current_supplement(student, institution)),
        },
    )


@require_POST
def supplement_issue(request: HttpRequest, pk: int) -> HttpResponse:
    student, institution = selectors.student_for_staff(request.user, pk)
    try:
        _row, created = services.supplement_issue(
            student=student, institution=institution, actor=request.user
        )
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The diploma supplement is being generated.")
            if created
            else _("Nothing changed since the current supplement: it stays valid."),
        )
    return redirect("track_student", pk=student.pk)


@staff_required
@require_GET
def rule_set_list(request: HttpRequest) -> HttpResponse:
    institution, institutions = _staff_institution(request)
    return render(
        request,
        "track/rule_sets.html",
        {
            "institution": institution,
            "institutions": institutions,
            "rule_sets": selectors.rule_sets_visible_to(request.user)
            .filter(institution=institution)
            .order_by("-academic_year", "-created_at"),
            "in_force": selectors.rule_set_in_force(institution),
            "can_edit": permissions.can_edit_rules(request.user, institution),
        },
    )


@editor_required
@require_http_methods(["GET", "POST"])
def rule_set_create(request: HttpRequest) -> HttpResponse:
    institution, _all = _staff_institution(request, permissions.RULE_EDITORS)
    form = RuleSetForm(
        request.POST or None,
        institution=institution,
        initial={
            "academic_year": academic_year_of(institution),
            "framework": services.current_framework(institution),
            "title": _("Ingénieur réserviste track %(year)s") % {"year": academic_year_of(institution)},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.rule_set_create(
                institution=institution, actor=request.user, **form.cleaned_data
            )
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The draft is created: add its criteria."))
            return redirect("track_rule_set", pk=rule_set.pk)
    return render(request, "track/rule_set_form.html", {"form": form, "institution": institution})


@staff_required
@require_http_methods(["GET", "POST"])
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = selectors.rule_set_for(request.user, pk)
    can_edit = rule_set.is_editable and permissions.can_edit_rules(request.user, rule_set.institution_id)
    form = CriterionForm(request.POST or None, rule_set=rule_set)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.criterion_add(
                    rule_set=rule_set,
                    actor=request.user,
                    kind=data["kind"],
                    count=data["count"],
                    min_level=data["min_level"],
                    ects=data["ects"],
                    blocks=data["blocks"],
                )
            except TrackError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The criterion is added."))
                return redirect("track_rule_set", pk=rule_set.pk)
    criteria = list(rule_set.criteria.select_related("min_level").prefetch_related("blocks"))
    for criterion in criteria:
        criterion.description = describe_criterion(criterion)
    return render(
        request,
        "track/rule_set_detail.html",
        {
            "rule_set": rule_set,
            "criteria": criteria,
            "problems": rule_set_problems(rule_set),
            "can_edit": can_edit,
            "can_copy": permissions.can_edit_rules(request.user, rule_set.institution_id),
            "form": form,
            "transitions": services.available_transitions(rule_set, request.user),
            "transition_form": TransitionForm(initial={"version": rule_set.version}),
            "history": rule_set.transitions.select_related("actor"),
            "kinds": CriterionKind,
        },
    )


@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(
        TrackCriterion.objects.select_related("rule_set"),
        pk=pk,
        rule_set__in=selectors.rule_sets_visible_to(request.user),
    )
    try:
        services.criterion_remove(criterion=criterion, actor=request.user)
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The criterion is removed."))
    return redirect("track_rule_set", pk=criterion.rule_set_id)


@require_POST
def rule_set_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    rule_set = selectors.rule_set_for(request.user, pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.rule_set_transition(
            rule_set=rule_set,
            name=name,
            actor=request.user,
            comment=form.cleaned_data.get("comment") or "",
            expected_version=form.cleaned_data.get("version"),
        )
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the rules are now “%(status)s”.") % {"status": rule_set.get_status_display()}
        )
    return redirect("track_rule_set", pk=pk)


@require_POST
def rule_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.rule_set_for(request.user, pk)
    try:
        copy = services.rule_set_create(
            institution=source.institution,
            actor=request.user,
            academic_year=academic_year_of(source.institution),
            title=_("%(title)s (copy)") % {"title": source.title},
            copy_from=source,
            study_years=source.study_years,
            stuck_after_days=source.stuck_after_days,
            sis_element_code=source.sis_element_code,
        )
    except TrackError as exc:
        messages.error(request, str(exc))
        return redirect("track_rule_set", pk=pk)
    messages.success(request, _("A new draft was copied from these rules."))
    return redirect("track_rule_set", pk=copy.pk)


@editor_required
@require_http_methods(["GET", "POST"])
def engagement_targets(request: HttpRequest) -> HttpResponse:
    from parcours.track.models import EngagementTarget

    institution, _all = _staff_institution(request, permissions.RULE_EDITORS)
    year = academic_year_of(institution)
    form = EngagementTargetForm(
        request.POST or None,
        initial={"academic_year": year, "target_days": selectors.engagement_target(institution, year)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_target_set(institution=institution, actor=request.user, **form.cleaned_data)
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The engagement target is saved."))
            return redirect("track_engagement_targets")
    return render(
        request,
        "track/engagement_targets.html",
        {
            "form": form,
            "institution": institution,
            "targets": EngagementTarget.objects.filter(institution=institution).select_related("updated_by"),
            "default_target": selectors.conf.get("ENGAGEMENT_TARGET_DAYS"),
        },
    )


# --- The jury's award ------------------------------------------------------------------------------------


@staff_required
@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    institution, institutions = _staff_institution(request)
    rule_set = selectors.rule_set_in_force(institution)
    return render(
        request,
        "track/awards.html",
        {
            "institution": institution,
            "institutions": institutions,
            "rule_set": rule_set,
            "pending": selectors.awards_pending(institution, rule_set) if rule_set else [],
            "awards": selectors.awards_of(institution).order_by("-decided_at")[:200],
            "is_jury": permissions.is_jury(request.user, institution),
            "award_form": AwardForm(institution=institution),
        },
    )


@require_POST
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    student, institution = selectors.student_for_staff(request.user, pk)
    form = AwardForm(request.POST, institution=institution)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete: try again."))
        return redirect("track_student", pk=pk)
    try:
        services.award_grant(
            student=student,
            institution=institution,
            actor=request.user,
            minutes=form.cleaned_data["minutes"],
            session=form.cleaned_data["session"],
        )
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The “ingénieur réserviste” mention is awarded to %(student)s.") % {"student": student},
        )
    if request.POST.get("next") == "awards":
        return redirect("track_awards")
    return redirect("track_student", pk=pk)


@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = selectors.award_for(request.user, pk)
    if award.student_id == request.user.pk and not permissions.is_jury(request.user, award.institution_id):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        services.award_revoke(award=award, actor=request.user, reason=form.data.get("reason", ""))
    except TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The mention is revoked."))
    return redirect("track_student", pk=award.student_id)


# --- Supplements and exports -----------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def supplement_batches(request: HttpRequest) -> HttpResponse:
    institution, institutions = _staff_institution(request)
    form = BatchForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.supplement_batch_create(
                institution=institution, cohort=form.cleaned_data["cohort"], actor=request.user
            )
        except TrackError as exc:
            add_service_error(form, exc)
        else:
            return redirect("track_supplement_batch", pk=batch.pk)
    return render(
        request,
        "track/batches.html",
        {
            "form": form,
            "institution": institution,
            "institutions": institutions,
            "batches": selectors.batches_visible_to(request.user).filter(institution=institution)[:50],
        },
    )


@staff_required
@require_GET
def supplement_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_for(request.user, pk)
    return render(request, "track/batch.html", {"batch": batch})


@staff_required
@require_GET
def sis_export(request: HttpRequest) -> HttpResponse:
    """CSV for the student information system: student number, element code, ECTS, result, decision."""
    from parcours.audit.services import audit_record

    institution, _all = _staff_institution(request)
    cohort = None
    if raw := request.GET.get("cohort"):
        cohort = selectors.cohorts_of(institution).filter(pk=raw).first() if is_id(raw) else None
        if cohort is None:
            raise Http404
    rows = selectors.sis_export_rows(institution, cohort)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ects-{institution.slug}-{stamp}.csv"'
    writer = csv.DictWriter(
        response, fieldnames=[*selectors.SIS_COLUMNS, "student_email"], extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    audit_record(
        "track.sis_export.downloaded",
        actor=request.user,
        institution=institution,
        data={"rows": len(rows), "cohort": getattr(cohort, "pk", None)},
    )
    return response
