"""Calendars, call-ups, study arrangements and staff absences: the HTML pages.

Views stay thin: they read through ``parcours.scheduling.selectors`` (scoped to the user: someone else's
object is a 404), write through ``parcours.scheduling.services`` and ask the workflow table which actions
to show.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.enums import RESERVIST_ROLES, Role
from parcours.accounts.permissions import has_role, institutions_with_role, role_required
from parcours.scheduling import feeds, quotas, selectors, services
from parcours.scheduling.conflicts import check_call_up, check_call_ups
from parcours.scheduling.enums import (
    ABSENCE_OPEN_STATUSES,
    ARRANGEMENT_OPEN_STATUSES,
    AbsenceRequestStatus,
    CallUpStatus,
)
from parcours.scheduling.ics import CalendarFileError
from parcours.scheduling.letters import absence_request_letter_pdf
from parcours.scheduling.models import EventOccurrence
from parcours.scheduling.tasks import calendar_subscription_refresh
from parcours.scheduling.workflow import (
    ABSENCE_TRANSITIONS,
    ARRANGEMENT_TRANSITIONS,
    CALL_UP_TRANSITIONS,
    actors_for_absence_request,
    actors_for_arrangement,
    actors_for_call_up,
    available_transitions,
)

from .forms import (
    AbsenceRequestForm,
    ArrangementRequestForm,
    CalendarGroupForm,
    CalendarImportForm,
    CallUpForm,
    CommentForm,
    EventKindForm,
    ProposalForm,
    ReasonForm,
    SubscriptionForm,
)

reservist_required = role_required(*RESERVIST_ROLES)
staff_required = role_required(Role.STAFF)
manager_required = role_required(*selectors.CALENDAR_MANAGER_ROLES)
ARRANGEMENT_ROLES = (Role.STUDENT, Role.TEACHER, Role.DIRECTOR_OF_STUDIES)
ABSENCE_ROLES = (Role.STAFF, Role.HR)


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_error(form, exc) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(None, message)


# --- Personal calendar --------------------------------------------------------------------------------


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Month or week view of the person's plan: timetable, reserve periods, clashes, arrangements."""
    view = "week" if request.GET.get("view") == "week" else "month"
    day = _parse_day(request.GET.get("date"))
    if view == "month":
        first = day.replace(day=1)
        import calendar as pycalendar

        weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        start, end = weeks_dates[0][0], weeks_dates[-1][-1] + timedelta(days=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
    else:
        first = day - timedelta(days=day.weekday())
        start, end = first, first + timedelta(days=7)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    items = selectors.calendar_items(request.user, *selectors.local_range(start, end))
    context = {
        "view": view,
        "first": first,
        "last": end - timedelta(days=1),
        "previous": previous,
        "following": following,
        "today": timezone.localdate(),
        "items_count": len(items),
        "is_reservist": has_role(request.user, *RESERVIST_ROLES),
        "upcoming": list(selectors.upcoming_call_ups(request.user)[:5]),
    }
    if view == "month":
        context["weeks"] = selectors.month_weeks(first.year, first.month, items)
    else:
        context["days"] = selectors.week_days(first, items)
    context["weekday_names"] = [date(2024, 1, 1 + i) for i in range(7)]  # a Monday to a Sunday
    return render(request, "scheduling/calendar.html", context)


@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """Create, replace or revoke the secret address of the person's ICS feed."""
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(user=request.user)
            messages.success(
                request, _("The address of your feed is revoked: calendars that used it stop updating.")
            )
            return redirect("scheduling_feed_settings")
        token = services.feed_token_create(user=request.user)
        new_url = request.build_absolute_uri(reverse("scheduling_feed", kwargs={"token": token}))
    return render(
        request,
        "scheduling/feed_settings.html",
        {"token": selectors.feed_token_of(request.user), "new_url": new_url},
    )


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's plan as iCalendar, at a secret address (public, revocable)."""
    found = selectors.feed_token_for(services.feed_token_hash(token))
    if found is None:
        raise Http404
    services.feed_token_touch(token=found)
    body = feeds.personal_feed(found.user, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="parcours-reserviste.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Call-ups ---------------------------------------------------------------------------------------


@require_GET
@reservist_required
def call_up_list(request: HttpRequest) -> HttpResponse:
    call_ups = list(selectors.call_ups_of(request.user).order_by("-starts_at"))
    reports = check_call_ups(call_ups) if call_ups else {}
    rows = [(c, reports.get(c.pk)) for c in call_ups]
    return render(request, "scheduling/call_up_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@reservist_required
def call_up_create(request: HttpRequest) -> HttpResponse:
    institutions = institutions_with_role(request.user, *RESERVIST_ROLES)
    form = CallUpForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call_up = services.call_up_create(
                reservist=request.user,
                institution=data["institution"],
                activity_type=data["activity_type"],
                force=data["force"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                all_day=data["all_day"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The call-up is recorded. Check the clashes with your timetable below.")
            )
            return redirect("scheduling_call_up_detail", pk=call_up.pk)
    return render(request, "scheduling/call_up_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@reservist_required
def call_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call_up = selectors.call_up_for_owner(request.user, pk)
    institutions = institutions_with_role(request.user, *RESERVIST_ROLES)
    local_start = timezone.localtime(call_up.starts_at)
    local_end = timezone.localtime(call_up.ends_at - timedelta(microseconds=1))
    initial = {
        "institution": call_up.institution_id,
        "activity_type": call_up.activity_type_id,
        "force": call_up.force_id,
        "first_day": local_start.date(),
        "last_day": local_end.date(),
        "notes": call_up.notes,
    }
    if not call_up.all_day:
        initial.update(start_time=local_start.time(), end_time=timezone.localtime(call_up.ends_at).time())
    form = CallUpForm(request.POST or None, initial=initial, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.call_up_update(
                call_up=call_up,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                all_day=data["all_day"],
                activity_type=data["activity_type"],
                force=data["force"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The call-up is updated."))
            return redirect("scheduling_call_up_detail", pk=call_up.pk)
    return render(request, "scheduling/call_up_form.html", {"form": form, "call_up": call_up})


@require_GET
@reservist_required
def call_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call_up = selectors.call_up_for_owner(request.user, pk)
    report = check_call_up(call_up)
    is_staff = has_role(request.user, Role.STAFF, institution=call_up.institution)
    counter = None
    absence_request = None
    if is_staff:
        counter = quotas.absence_counter(
            user=request.user,
            institution=call_up.institution,
            year=timezone.localtime(call_up.starts_at).year,
        )
        absence_request = call_up.absence_requests.filter(status__in=ABSENCE_OPEN_STATUSES).first()
    transitions = available_transitions(
        CALL_UP_TRANSITIONS, call_up, actors_for_call_up(call_up, request.user)
    )
    return render(
        request,
        "scheduling/call_up_detail.html",
        {
            "call_up": call_up,
            "report": report,
            "transitions": transitions,
            "is_staff": is_staff,
            "counter": counter,
            "absence_request": absence_request,
            "can_edit": call_up.status == CallUpStatus.PLANNED,
            "arrangement_open_statuses": ARRANGEMENT_OPEN_STATUSES,
            "history": call_up.transitions.select_related("actor"),
        },
    )


@require_POST
@reservist_required
def call_up_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    call_up = selectors.call_up_for_owner(request.user, pk)
    try:
        services.call_up_transition(
            call_up=call_up, action=action, actor=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("The call-up is now “%(status)s”.") % {"status": _status_label(call_up, pk)}
        )
    return redirect("scheduling_call_up_detail", pk=pk)


def _status_label(call_up, pk: int) -> str:
    call_up.refresh_from_db(fields=["status"])
    return call_up.get_status_display()


# --- Study arrangements -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.STUDENT)
def arrangement_create(request: HttpRequest, pk: int, occurrence_pk: int) -> HttpResponse:
    call_up = selectors.call_up_for_owner(request.user, pk)
    report = check_call_up(call_up)
    conflict = next((c for c in report.conflicts if c.occurrence.pk == occurrence_pk), None)
    if conflict is None:
        raise Http404
    occurrence = get_object_or_404(EventOccurrence.objects.select_related("event"), pk=occurrence_pk)
    teachers = services.teachers_of(call_up.institution)
    suggested = (
        teachers.filter(email__iexact=occurrence.event.organizer_email).first()
        if occurrence.event.organizer_email
        else None
    )
    form = ArrangementRequestForm(
        request.POST or None,
        teachers=teachers,
        initial={
            "teacher": suggested.pk if suggested else None,
            "requested_kind": "exam_rescheduling" if conflict.is_exam else "excused_absence",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = services.arrangement_create(
                call_up=call_up,
                occurrence=occurrence,
                student=request.user,
                requested_kind=form.cleaned_data["requested_kind"],
                teacher=form.cleaned_data["teacher"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your request is sent to the teacher."))
            return redirect("scheduling_arrangement_detail", pk=arrangement.pk)
    return render(
        request,
        "scheduling/arrangement_form.html",
        {"form": form, "call_up": call_up, "conflict": conflict, "occurrence": occurrence},
    )


@require_GET
@role_required(*ARRANGEMENT_ROLES)
def arrangement_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.arrangements_visible_to(request.user)
    to_handle = list(selectors.arrangements_to_handle(request.user).order_by("event_starts_at"))
    handled_ids = {a.pk for a in to_handle}
    others = [a for a in visible.order_by("-updated_at")[:100] if a.pk not in handled_ids]
    return render(request, "scheduling/arrangement_list.html", {"to_handle": to_handle, "others": others})


@require_GET
@role_required(*ARRANGEMENT_ROLES)
def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = selectors.arrangement_for(request.user, pk)
    transitions = available_transitions(
        ARRANGEMENT_TRANSITIONS, arrangement, actors_for_arrangement(arrangement, request.user)
    )
    forms = {}
    for transition in transitions:
        if transition.name == "propose":
            forms["propose"] = ProposalForm(prefix="propose")
        elif transition.requires_comment:
            forms[transition.name] = ReasonForm(prefix=transition.name)
        elif transition.name == "approve":
            forms[transition.name] = CommentForm(prefix=transition.name)
    return render(
        request,
        "scheduling/arrangement_detail.html",
        {
            "arrangement": arrangement,
            "transitions": transitions,
            "forms": forms,
            "history": arrangement.transitions.select_related("actor"),
            "is_student": arrangement.student_id == request.user.pk,
        },
    )


@require_POST
@role_required(*ARRANGEMENT_ROLES)
def arrangement_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    arrangement = selectors.arrangement_for(request.user, pk)
    try:
        if action == "propose":
            form = ProposalForm(request.POST, prefix="propose")
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.arrangement_propose(
                arrangement=arrangement,
                actor=request.user,
                solution=form.cleaned_data["solution"],
                proposed_starts_at=form.cleaned_data.get("proposed_starts_at"),
                comment=form.cleaned_data["comment"],
            )
        else:
            form = CommentForm(request.POST, prefix=action)
            form.is_valid()
            services.arrangement_transition(
                arrangement=arrangement,
                action=action,
                actor=request.user,
                comment=form.cleaned_data.get("comment", ""),
            )
    except ValidationError as exc:
        _error(request, exc)
    else:
        arrangement.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The arrangement is now “%(status)s”.") % {"status": arrangement.get_status_display()},
        )
    return redirect("scheduling_arrangement_detail", pk=pk)


# --- Staff absences ---------------------------------------------------------------------------------------


@require_GET
@role_required(*ABSENCE_ROLES)
def absence_overview(request: HttpRequest) -> HttpResponse:
    """Staff: counters per calendar year and requests. HR: the requests to decide."""
    context: dict = {"today": timezone.localdate()}
    staff_institutions = list(institutions_with_role(request.user, Role.STAFF))
    if staff_institutions:
        year = timezone.localdate().year
        counters = []
        for institution in staff_institutions:
            for y in (year, year + 1):
                counters.append(
                    (institution, quotas.absence_counter(user=request.user, institution=institution, year=y))
                )
        own_requests = list(
            selectors.absence_requests_visible_to(request.user).filter(requester=request.user)
        )
        requested = {r.call_up_id for r in own_requests if r.status in ABSENCE_OPEN_STATUSES}
        pending_call_ups = [
            c
            for c in selectors.upcoming_call_ups(request.user).filter(institution__in=staff_institutions)
            if c.pk not in requested
        ]
        context.update(counters=counters, own_requests=own_requests, pending_call_ups=pending_call_ups)
    if has_role(request.user, Role.HR):
        hr_requests = list(selectors.absence_requests_for_hr(request.user).exclude(requester=request.user))
        context["hr_to_decide"] = [r for r in hr_requests if r.status == AbsenceRequestStatus.SUBMITTED]
        context["hr_decided"] = [r for r in hr_requests if r.status != AbsenceRequestStatus.SUBMITTED][:50]
        context["is_hr"] = True
    return render(request, "scheduling/absence_overview.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def absence_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    call_up = selectors.call_up_for_owner(request.user, pk)
    form = AbsenceRequestForm(request.POST or None)
    year = timezone.localtime(call_up.starts_at).year
    counter = quotas.absence_counter(user=request.user, institution=call_up.institution, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            absence_request = services.absence_request_create(
                call_up=call_up,
                requester=request.user,
                reactivity_clause=form.cleaned_data["reactivity_clause"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The request is drafted. Read the letter, then send it to HR."))
            return redirect("scheduling_absence_request_detail", pk=absence_request.pk)
    return render(
        request,
        "scheduling/absence_request_form.html",
        {"form": form, "call_up": call_up, "counter": counter},
    )


@require_GET
@role_required(*ABSENCE_ROLES)
def absence_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    absence_request = selectors.absence_request_for(request.user, pk)
    call_up = absence_request.call_up
    transitions = available_transitions(
        ABSENCE_TRANSITIONS, absence_request, actors_for_absence_request(absence_request, request.user)
    )
    counter = quotas.absence_counter(
        user=absence_request.requester,
        institution=absence_request.institution,
        year=timezone.localtime(call_up.starts_at).year,
    )
    return render(
        request,
        "scheduling/absence_request_detail.html",
        {
            "absence_request": absence_request,
            "call_up": call_up,
            "first_day": timezone.localtime(call_up.starts_at).date(),
            "last_day": timezone.localtime(call_up.ends_at - timedelta(microseconds=1)).date(),
            "counter": counter,
            "transitions": transitions,
            "forms": {t.name: ReasonForm(prefix=t.name) for t in transitions if t.requires_comment},
            "history": absence_request.transitions.select_related("actor"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(*ABSENCE_ROLES)
def absence_request_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    absence_request = selectors.absence_request_for(request.user, pk)
    form = CommentForm(request.POST, prefix=action)
    form.is_valid()
    try:
        services.absence_request_transition(
            request=absence_request,
            action=action,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        absence_request.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The absence request is now “%(status)s”.") % {"status": absence_request.get_status_display()},
        )
    return redirect("scheduling_absence_request_detail", pk=pk)


@require_GET
@role_required(*ABSENCE_ROLES)
def absence_request_letter(request: HttpRequest, pk: int) -> HttpResponse:
    absence_request = selectors.absence_request_for(request.user, pk)
    pdf = absence_request_letter_pdf(absence_request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="demande-absence-reserve-{absence_request.pk}.pdf"'
    return response


# --- Timetables (school staff) ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@manager_required
def group_list(request: HttpRequest) -> HttpResponse:
    institutions = institutions_with_role(request.user, *selectors.CALENDAR_MANAGER_ROLES)
    form = CalendarGroupForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.calendar_group_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The group is created. Import its timetable."))
            return redirect("scheduling_group_detail", pk=group.pk)
    groups = selectors.calendar_groups_manageable_by(request.user).order_by("institution__name", "code")
    return render(request, "scheduling/group_list.html", {"groups": groups, "form": form})


@require_GET
@manager_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.calendar_group_for_manager(request.user, pk)
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.group_event_titles(group, kind), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/group_detail.html",
        {
            "group": group,
            "page_obj": page,
            "kind": kind,
            "imports": group.imports.select_related("actor")[:10],
            "import_form": CalendarImportForm(),
            "subscription_form": SubscriptionForm(initial={"subscription_url": group.subscription_url}),
            "kind_form": EventKindForm(),
            "occurrences": group.occurrences.count(),
            "kind_choices": EventKindForm.base_fields["kind"].choices,
        },
    )


@require_POST
@manager_required
def group_import(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.calendar_group_for_manager(request.user, pk)
    form = CalendarImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("scheduling_group_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        result = services.calendar_import(
            group=group,
            data=upload.read(),
            source=upload.name,
            actor=request.user,
            range_start=form.cleaned_data["range_from"],
            range_end=form.cleaned_data["range_to"],
        )
    except CalendarFileError as exc:
        messages.error(
            request,
            _("%(file)s was not imported, the timetable is unchanged. %(error)s")
            % {"file": upload.name, "error": exc},
        )
    else:
        messages.success(
            request,
            _(
                "%(file)s imported: %(occurrences)s occurrences. Events: %(added)s added, %(changed)s changed, "
                "%(removed)s removed."
            )
            % {
                "file": upload.name,
                "occurrences": result.occurrences,
                "added": result.events_added,
                "changed": result.events_changed,
                "removed": result.events_removed,
            },
        )
    return redirect("scheduling_group_detail", pk=pk)


@require_POST
@manager_required
def group_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.calendar_group_for_manager(request.user, pk)
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("scheduling_group_detail", pk=pk)
    try:
        services.calendar_group_subscription_set(
            group=group, url=form.cleaned_data["subscription_url"], actor=request.user
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The subscription address is saved."))
    return redirect("scheduling_group_detail", pk=pk)


@require_POST
@manager_required
def group_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.calendar_group_for_manager(request.user, pk)
    if not group.subscription_url:
        messages.error(request, _("This group has no subscription URL."))
        return redirect("scheduling_group_detail", pk=pk)
    result = calendar_subscription_refresh.enqueue(group.pk)
    if result.is_finished:
        value = (
            result.return_value
            if result.status == TaskResultStatus.SUCCESSFUL
            else {"ok": False, "error": ""}
        )
        if value.get("ok"):
            messages.success(
                request,
                _("Timetable refreshed: %(occurrences)s occurrences.")
                % {"occurrences": value.get("occurrences")},
            )
        else:
            messages.error(
                request,
                _("The refresh failed, the timetable is unchanged. %(error)s")
                % {"error": value.get("error", "")},
            )
    else:
        messages.info(request, _("The refresh is queued; come back in a moment."))
    return redirect("scheduling_group_detail", pk=pk)


@require_POST
@manager_required
def event_kind(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    group = selectors.calendar_group_for_manager(request.user, pk)
    event = get_object_or_404(group.events, pk=event_pk)
    form = EventKindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown kind."))
    else:
        count = services.calendar_event_kind_set(
            event=event, kind=form.cleaned_data["kind"], actor=request.user, same_title=True
        )
        event.refresh_from_db()
        kind_label = event.get_kind_override_display() if event.kind_override else event.get_kind_display()
        messages.success(
            request,
            ngettext(
                "“%(event)s” (%(count)s event) is now “%(kind)s”.",
                "“%(event)s” (%(count)s events) is now “%(kind)s”.",
                count,
            )
            % {"event": event, "count": count, "kind": kind_label},
        )
    page = request.POST.get("page", "1")
    return redirect(
        f"{reverse('scheduling_group_detail', kwargs={'pk': pk})}?page={page if page.isdigit() else 1}"
    )
