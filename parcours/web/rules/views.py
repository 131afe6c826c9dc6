"""Recognition-rule pages: list, detail with history, editor with competency picker, approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.permissions import has_role, institutions_with_role, role_required
from parcours.frameworks.enums import FrameworkKind, FrameworkStatus
from parcours.frameworks.models import Framework
from parcours.reserve.enums import RuleStatus
from parcours.reserve.permissions import RULE_EDITOR_ROLES, RULE_MANAGER_ROLES, can_edit_rule, can_new_version
from parcours.reserve.selectors import activity_types, forces, institution_deadline, rule_for, rule_list
from parcours.reserve.services import rule_create, rule_delete, rule_new_version, rule_transition, rule_update
from parcours.reserve.workflow import available_transitions
from parcours.web.forms import is_id

from .forms import RuleCompetencyFormSet, RuleForm, TransitionForm


def _crumbs(*links: tuple[str, str]) -> dict:
    *parents, (current, _url) = links
    return {"links": [{"url": url, "title": title} for title, url in parents], "current": current}


@require_GET
def rule_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    activity = request.GET.get("activity", "")
    managed = institutions_with_role(request.user, *RULE_MANAGER_ROLES)
    return render(
        request,
        "reserve/rule_list.html",
        {
            "rules": rule_list(
                request.user, status=status if status in RuleStatus.values else "", activity_type=activity
            ),
            "statuses": RuleStatus.choices if managed.exists() else [],
            "activity_types": activity_types(),
            "status": status,
            "activity": activity,
            "can_write": has_role(request.user, *RULE_EDITOR_ROLES),
            "deadlines": [d for d in (institution_deadline(i) for i in managed) if d is not None],
        },
    )


@require_GET
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for(request.user, pk)
    is_manager = has_role(request.user, *RULE_MANAGER_ROLES, institution=rule.institution_id)
    return render(
        request,
        "reserve/rule_detail.html",
        {
            "rule": rule,
            "transitions": available_transitions(request.user, rule),
            "transition_form": TransitionForm(),
            "can_edit": can_edit_rule(request.user, rule),
            "can_new_version": can_new_version(request.user, rule) and not hasattr(rule, "next_version"),
            "history": list(rule.transitions.select_related("actor")) if is_manager else [],
            "examples": [
                (days, rule.ects_for(days))
                for days in sorted({max(rule.min_days, 1), rule.activity_type.typical_days, 30})
            ],
            "breadcrumb_data": _crumbs((_("Recognition rules"), reverse("rule_list")), (rule.title_fr, "")),
        },
    )


def _editor_institution(request: HttpRequest):
    institution = institutions_with_role(request.user, *RULE_EDITOR_ROLES).order_by("name").first()
    if institution is None:
        raise PermissionDenied
    return institution


def _framework_for_form(request: HttpRequest, institution, rule=None) -> Framework | None:
    frameworks = Framework.objects.filter(institution=institution, kind=FrameworkKind.SCHOOL)
    raw = request.POST.get("framework") or request.GET.get("framework")
    if raw and is_id(raw) and (chosen := frameworks.filter(pk=raw).first()):
        return chosen
    if rule is not None:
        return rule.framework
    return (
        frameworks.exclude(status=FrameworkStatus.DRAFT).order_by("-academic_year", "-pk").first()
        or frameworks.order_by("-academic_year", "-pk").first()
    )


def _form_page(request, *, institution, rule=None):
    framework = _framework_for_form(request, institution, rule)
    data = request.POST if request.method == "POST" else None
    initial_rule = {"framework": framework} if rule is None and framework else None
    form = RuleForm(data, instance=rule, institution=institution, initial=initial_rule)
    initial = (
        [{"competency": link.competency, "level": link.level} for link in rule.competencies.all()]
        if rule
        else None
    )
    formset = RuleCompetencyFormSet(
        data, initial=initial, prefix="competencies", form_kwargs={"framework": framework}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "exempted_units"}
        try:
            if rule is None:
                saved = rule_create(
                    institution=institution,
                    actor=request.user,
                    competencies=formset.pairs(),
                    exempted_units=form.cleaned_data["exempted_units"],
                    **values,
                )
            else:
                saved = rule_update(
                    rule=rule,
                    actor=request.user,
                    competencies=formset.pairs(),
                    exempted_units=form.cleaned_data["exempted_units"],
                    **values,
                )
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                if field in form.fields:
                    form.add_error(field, errors)
                else:
                    formset._non_form_errors = formset.error_class(errors)  # shown above the competencies
        else:
            messages.success(request, _("Rule saved as a draft. The director of studies approves it."))
            return redirect("rule_detail", pk=saved.pk)
    title = _("Edit the rule") if rule else _("New recognition rule")
    links = [(_("Recognition rules"), reverse("rule_list"))]
    if rule:
        links.append((rule.title_fr, reverse("rule_detail", args=[rule.pk])))
    return render(
        request,
        "reserve/rule_form.html",
        {
            "form": form,
            "formset": formset,
            "rule": rule,
            "framework": framework,
            "title": title,
            "breadcrumb_data": _crumbs(*links, (title, "")),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*RULE_EDITOR_ROLES)
def rule_create_view(request: HttpRequest) -> HttpResponse:
    return _form_page(request, institution=_editor_institution(request))


@require_http_methods(["GET", "POST"])
@role_required(*RULE_EDITOR_ROLES)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for(request.user, pk)
    if not can_edit_rule(request.user, rule):
        if rule.status != RuleStatus.DRAFT and has_role(
            request.user, *RULE_EDITOR_ROLES, institution=rule.institution_id
        ):
            messages.info(request, _("An approved rule cannot be changed: start a new version."))
            return redirect("rule_detail", pk=rule.pk)
        raise PermissionDenied
    return _form_page(request, institution=rule.institution, rule=rule)


@require_POST
def rule_transition_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    rule = rule_for(request.user, pk)
    if name not in {t.name for t in available_transitions(request.user, rule)}:
        raise PermissionDenied
    form = TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        rule = rule_transition(rule=rule, actor=request.user, name=name, note=note)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Done: the rule is now “%(status)s”.") % {"status": rule.get_status_display()}
        )
    return redirect("rule_detail", pk=rule.pk)


@require_POST
@role_required(*RULE_EDITOR_ROLES)
def rule_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for(request.user, pk)
    if not can_new_version(request.user, rule):
        raise PermissionDenied
    try:
        copy = rule_new_version(rule=rule, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("rule_detail", pk=rule.pk)
    messages.success(request, _("Version %(version)d created as a draft.") % {"version": copy.version})
    return redirect("rule_edit", pk=copy.pk)


@require_POST
@role_required(*RULE_EDITOR_ROLES)
def rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_for(request.user, pk)
    if not can_edit_rule(request.user, rule):
        raise PermissionDenied
    rule_delete(rule=rule, actor=request.user)
    messages.success(request, _("Draft deleted."))
    return redirect("rule_list")


@require_GET
def reserve_catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reserve/catalogue.html",
        {
            "forces": forces(),
            "activity_types": activity_types(),
            "breadcrumb_data": _crumbs(
                (_("Recognition rules"), reverse("rule_list")), (_("Reserve catalogue"), "")
            ),
        },
    )
