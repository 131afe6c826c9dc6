"""Recognition requests: the holder's side, the review queue, jury sessions and decisions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.accounts.enums import RESERVIST_ROLES, Role
from parcours.accounts.models import User
from parcours.accounts.permissions import institutions_with_role, role_required
from parcours.portfolio import selectors as portfolio_selectors
from parcours.portfolio import services as portfolio_services
from parcours.recognition import selectors, services
from parcours.recognition.enums import Outcome
from parcours.recognition.proposal import build_proposal
from parcours.recognition.services import CompetencyLine, RecognitionError
from parcours.recognition.workflow import TRANSITIONS
from parcours.web.forms_errors import add_service_error

from .forms import CommentForm, DecisionForm, QueueFilterForm, RequestForm, SessionForm, TransitionForm

DECIDERS = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)
reservist_required = role_required(*RESERVIST_ROLES)
decider_required = role_required(*DECIDERS)


def _profile(request: HttpRequest):
    institution = institutions_with_role(request.user, *RESERVIST_ROLES).first()
    return portfolio_services.profile_get_or_create(user=request.user, institution=institution)


@reservist_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/my_requests.html", {"requests": selectors.requests_of(request.user)})


@reservist_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    initial = {"periods": request.GET.getlist("period")}
    form = RequestForm(request.POST or None, profile=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                holder=request.user,
                institution=profile.institution,
                title=form.cleaned_data["title"],
                periods=form.cleaned_data["periods"],
                message=form.cleaned_data["message"],
            )
        except RecognitionError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your request is saved as a draft. Submit it when it is complete."))
            return redirect("recognition_request_detail", pk=created.pk)
    return render(request, "recognition/request_form.html", {"form": form})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_request = selectors.request_for(request.user, pk)
    is_decider = selectors.is_decider(request.user, recognition_request)
    periods = recognition_request.periods.select_related(
        "activity_type", "force", "profile"
    ).prefetch_related("evidence", "claims__competency", "claims__self_level")
    transitions = services.available_transitions(recognition_request, request.user)
    sessions = selectors.sessions_for(request.user).filter(institution=recognition_request.institution)
    decision = recognition_request.decisions.filter(is_current=True).first()
    from django.apps import apps

    documents = []
    if apps.is_installed("parcours.documents") and decision is not None:
        from parcours.documents.api import documents_for_source

        documents = documents_for_source("recognition.decision", str(decision.pk))
    profile = periods[0].profile if periods else None
    return render(
        request,
        "recognition/request_detail.html",
        {
            "req": recognition_request,
            "periods": periods,
            "is_decider": is_decider,
            "is_holder": recognition_request.holder_id == request.user.pk,
            "show_sensitive": profile is not None
            and portfolio_selectors.can_see_sensitive(request.user, profile),
            "profile": profile,
            "transitions": transitions,
            "transition_form": TransitionForm(initial={"version": recognition_request.version}),
            "sessions": sessions,
            "comment_form": CommentForm(),
            "comments": recognition_request.comments.select_related("author"),
            "history": recognition_request.transitions.select_related("actor"),
            "decision": decision,
            "past_decisions": recognition_request.decisions.filter(is_current=False).select_related(
                "signed_by"
            ),
            "totals": selectors.decision_totals(decision) if decision else None,
            "documents": documents,
            "can_decide": any(
                t.via_decision
                and recognition_request.status in t.sources
                and services.may_act(t, recognition_request, request.user)
                for t in TRANSITIONS
            ),
        },
    )


@require_POST
def request_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    recognition_request = selectors.request_for(request.user, pk)
    form = TransitionForm(request.POST)
    form.fields["session"].queryset = selectors.sessions_for(request.user)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete: try again."))
        return redirect("recognition_request_detail", pk=pk)
    try:
        services.request_transition(
            request=recognition_request,
            name=name,
            actor=request.user,
            comment=form.cleaned_data["comment"] or "",
            expected_version=form.cleaned_data["version"],
            session=form.cleaned_data.get("session"),
        )
    except (RecognitionError, KeyError) as exc:
        messages.error(request, str(exc) if isinstance(exc, RecognitionError) else _("Unknown action."))
    else:
        messages.success(
            request,
            _("Done: the request is now “%(status)s”.")
            % {"status": recognition_request.get_status_display()},
        )
    return redirect("recognition_request_detail", pk=pk)


@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_request = selectors.request_for(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                request=recognition_request, actor=request.user, body=form.cleaned_data["body"]
            )
        except RecognitionError as exc:
            messages.error(request, str(exc))
    return redirect("recognition_request_detail", pk=pk)


@decider_required
def review_queue(request: HttpRequest) -> HttpResponse:
    institutions = institutions_with_role(request.user, *DECIDERS)
    form = QueueFilterForm(request.GET or None, institutions=institutions)
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(
            **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        )
    page = Paginator(selectors.review_queue(request.user, filters), 25).get_page(request.GET.get("page"))
    return render(request, "recognition/queue.html", {"form": form, "page_obj": page})


@decider_required
@require_http_methods(["GET", "POST"])
def session_list(request: HttpRequest) -> HttpResponse:
    institutions = institutions_with_role(request.user, Role.DIRECTOR_OF_STUDIES, Role.PEDAGOGICAL_ENGINEER)
    members = User.objects.filter(
        memberships__institution__in=institutions,
        memberships__role__in=[Role.DIRECTOR_OF_STUDIES, Role.PEDAGOGICAL_ENGINEER, Role.TEACHER],
    ).distinct()
    form = SessionForm(request.POST or None, member_choices=members)
    if request.method == "POST":
        if not institutions.exists():
            messages.error(
                request, _("Only the director of studies or the pedagogical engineer plan jury sessions.")
            )
        elif form.is_valid():
            session = services.session_create(
                institution=institutions.first(),
                actor=request.user,
                chair=request.user,
                **form.cleaned_data,
            )
            messages.success(request, _("The jury session is planned."))
            return redirect("recognition_session_detail", pk=session.pk)
    return render(
        request, "recognition/sessions.html", {"sessions": selectors.sessions_for(request.user), "form": form}
    )


@decider_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    requests = session.requests.select_related("holder").prefetch_related("decisions")
    from django.apps import apps

    minutes = []
    if apps.is_installed("parcours.documents"):
        from parcours.documents.api import documents_for_source

        minutes = documents_for_source("recognition.session", str(session.pk))
    return render(
        request,
        "recognition/session_detail.html",
        {"session": session, "requests": requests, "members": session.members.all(), "minutes": minutes},
    )


@require_POST
@role_required(Role.DIRECTOR_OF_STUDIES)
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    try:
        services.session_close(session=session, actor=request.user)
    except RecognitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The session is closed; its minutes are being generated."))
    return redirect("recognition_session_detail", pk=pk)


def _decimal(value: str, default: Decimal) -> Decimal:
    try:
        return Decimal(value.replace(",", ".")) if value not in (None, "") else default
    except InvalidOperation:
        return default


@role_required(Role.DIRECTOR_OF_STUDIES)
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    recognition_request = selectors.request_for(request.user, pk)
    if not selectors.is_decider(request.user, recognition_request):
        return HttpResponse(status=404)
    proposal = build_proposal(recognition_request)
    from parcours.frameworks.models import Level

    levels = {}
    for line in proposal.competencies:
        levels.setdefault(
            line.competency.framework_id,
            list(Level.objects.filter(framework_id=line.competency.framework_id)),
        )
    for claim in proposal.claimed_only:
        levels.setdefault(
            claim.competency.framework_id,
            list(Level.objects.filter(framework_id=claim.competency.framework_id)),
        )
    sessions = selectors.sessions_for(request.user).filter(
        institution=recognition_request.institution, status="planned"
    )
    form = DecisionForm(
        request.POST or None,
        sessions=sessions,
        initial={
            "version": recognition_request.version,
            "session": recognition_request.session_id,
            "outcome": Outcome.VALIDATED,
        },
    )
    if request.method == "POST" and form.is_valid():
        post = request.POST
        activities = []
        for line in proposal.activities:
            key = f"act-{line.period.pk}"
            if post.get(f"{key}-include"):
                line.ects = _decimal(post.get(f"{key}-ects", ""), line.ects)
                line.change_reason = post.get(f"{key}-reason", "")
                activities.append(line)
        competencies = []
        all_lines = proposal.competencies + [
            CompetencyLine(competency=c.competency, level=c.self_level, proposed_level=None)
            for c in proposal.claimed_only
        ]
        level_by_id = {lv.pk: lv for group in levels.values() for lv in group}
        for line in all_lines:
            key = f"comp-{line.competency.pk}"
            if post.get(f"{key}-include"):
                chosen = post.get(f"{key}-level", "")
                line.level = level_by_id.get(int(chosen)) if chosen.isdigit() else None
                line.change_reason = post.get(f"{key}-reason", "")
                competencies.append(line)
        outcome = form.cleaned_data["outcome"]
        if outcome == Outcome.VALIDATED and len(activities) < len(proposal.activities):
            outcome = Outcome.PARTIALLY_VALIDATED
        try:
            services.decision_sign(
                request=recognition_request,
                actor=request.user,
                session=form.cleaned_data["session"],
                outcome=outcome,
                reason=form.cleaned_data["reason"],
                competencies=competencies,
                activities=activities,
                expected_version=form.cleaned_data["version"],
            )
        except RecognitionError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The decision is signed. The letter and the attestation are being generated.")
            )
            return redirect("recognition_request_detail", pk=pk)
    return render(
        request,
        "recognition/decision_form.html",
        {
            "req": recognition_request,
            "form": form,
            "proposal": proposal,
            "levels": levels,
        },
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    from parcours.notifications.models import Notification

    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    from django.utils import timezone

    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(notification.url or "dashboard")
