"""Framework pages: list, tree with search, items, levels, workflow, import (preview → apply) and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.permissions import has_role, institutions_with_role, role_required
from parcours.frameworks.enums import FrameworkKind, ImportStatus
from parcours.frameworks.interchange import EXPORTERS, FrameworkImportError, template_csv, template_xlsx
from parcours.frameworks.models import Competency, Framework
from parcours.frameworks.permissions import EDITOR_ROLES, MANAGER_ROLES, can_create_version, can_edit
from parcours.frameworks.selectors import (
    ancestors,
    competency_for,
    framework_for,
    framework_list,
    framework_tree,
    imports_visible_to,
    links_of,
    reference_framework_ids,
    search_in_framework,
)
from parcours.frameworks.selectors import competency_search as search_items
from parcours.frameworks.services import (
    association_create,
    association_delete,
    competency_create,
    competency_delete,
    competency_update,
    framework_create,
    framework_import_preview,
    framework_import_start,
    framework_new_version,
    framework_transition,
    framework_update,
    levels_save,
)
from parcours.frameworks.workflow import available_transitions
from parcours.reserve.selectors import framework_deadline, institution_deadline, rules_using
from parcours.web.forms import is_id

from .forms import CompetencyForm, FrameworkForm, ImportForm, LevelFormSet, LinkForm

#: Reference frameworks larger than this are browsed by search only.
TREE_LIMIT = 2000


def _crumbs(*links: tuple[str, str]) -> dict:
    *parents, (current, _url) = links
    return {"links": [{"url": url, "title": title} for title, url in parents], "current": current}


def _editable(request: HttpRequest, framework: Framework) -> None:
    if not can_edit(request.user, framework):
        raise PermissionDenied


def _refuse(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _editor_institutions(user):
    return institutions_with_role(user, *EDITOR_ROLES).order_by("name")


@require_GET
def framework_list_view(request: HttpRequest) -> HttpResponse:
    frameworks = list(framework_list(request.user))
    managed = institutions_with_role(request.user, *MANAGER_ROLES)
    deadlines = [d for d in (institution_deadline(institution) for institution in managed) if d is not None]
    return render(
        request,
        "frameworks/framework_list.html",
        {
            "school_frameworks": [f for f in frameworks if f.kind == FrameworkKind.SCHOOL],
            "reference_frameworks": [f for f in frameworks if f.kind == FrameworkKind.REFERENCE],
            "can_write": has_role(request.user, *EDITOR_ROLES),
            "deadlines": deadlines,
        },
    )


@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    query = request.GET.get("q", "").strip()
    results = search_in_framework(framework, query) if query else None
    item_count = framework.items.count()
    tree = framework_tree(framework, with_counts=True) if item_count <= TREE_LIMIT else None
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "tree": tree,
            "item_base": reverse("competency_detail", args=[framework.pk, 0])[: -len("0/")],
            "item_count": item_count,
            "query": query,
            "results": results,
            "levels": list(framework.levels.all()),
            "deadline": framework_deadline(framework),
            "transitions": available_transitions(request.user, framework),
            "can_edit": can_edit(request.user, framework),
            "can_new_version": can_create_version(request.user, framework),
            "next_versions": list(framework.next_versions.all())
            if framework.kind == FrameworkKind.SCHOOL
            else [],
            "export_formats": [("case", "CASE (JSON)"), ("csv", "CSV"), ("xlsx", "XLSX")],
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")), (framework.title_fr, "")
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def framework_create_view(request: HttpRequest) -> HttpResponse:
    institutions = _editor_institutions(request.user)
    form = FrameworkForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        institution = form.cleaned_data.get("institution") or institutions.first()
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("institution", "title_fr")}
        framework = framework_create(
            institution=institution, actor=request.user, title_fr=form.cleaned_data["title_fr"], **values
        )
        messages.success(request, _("Framework created. Add its items, or import them from a file."))
        return redirect("framework_detail", pk=framework.pk)
    return render(
        request,
        "frameworks/framework_form.html",
        {
            "form": form,
            "title": _("New framework"),
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")), (_("New framework"), "")
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    form = FrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        try:
            framework_update(
                framework=Framework.objects.get(pk=framework.pk), actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Framework saved."))
            return redirect("framework_detail", pk=framework.pk)
    return render(
        request,
        "frameworks/framework_form.html",
        {
            "form": form,
            "framework": framework,
            "title": _("Edit the framework"),
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")),
                (framework.title_fr, reverse("framework_detail", args=[framework.pk])),
                (_("Edit"), ""),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def framework_levels(request: HttpRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    initial = [
        {
            "rank": level.rank,
            "label_fr": level.label_fr,
            "label_en": level.label_en,
            "descriptor_fr": level.descriptor_fr,
            "descriptor_en": level.descriptor_en,
        }
        for level in framework.levels.all()
    ]
    formset = LevelFormSet(request.POST or None, initial=initial, prefix="levels")
    if request.method == "POST" and formset.is_valid():
        levels = [
            f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            levels_save(framework=framework, actor=request.user, levels=levels)
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Level scale saved."))
            return redirect("framework_detail", pk=framework.pk)
    return render(
        request,
        "frameworks/levels_form.html",
        {
            "framework": framework,
            "formset": formset,
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")),
                (framework.title_fr, reverse("framework_detail", args=[framework.pk])),
                (_("Level scale"), ""),
            ),
        },
    )


@require_POST
def framework_transition_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    framework = framework_for(request.user, pk)
    if name not in {t.name for t in available_transitions(request.user, framework)}:
        raise PermissionDenied
    try:
        framework = framework_transition(framework=framework, actor=request.user, name=name)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(
            request,
            _("Done: the framework is now “%(status)s”.") % {"status": framework.get_status_display()},
        )
    return redirect("framework_detail", pk=framework.pk)


@require_POST
@role_required(*EDITOR_ROLES)
def framework_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    if not can_create_version(request.user, framework):
        raise PermissionDenied
    try:
        copy = framework_new_version(framework=framework, actor=request.user)
    except ValidationError as error:
        _refuse(request, error)
        return redirect("framework_detail", pk=framework.pk)
    messages.success(request, _("Version %(version)s created as a draft copy.") % {"version": copy.version})
    return redirect("framework_detail", pk=copy.pk)


@require_GET
def framework_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    framework = framework_for(request.user, pk)
    if fmt not in EXPORTERS:
        raise Http404
    exporter, content_type, extension = EXPORTERS[fmt]
    response = HttpResponse(exporter(framework), content_type=content_type)
    name = slugify(f"{framework.title_fr}-{framework.version}") or "framework"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@require_GET
def framework_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=EXPORTERS["xlsx"][1])
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="modele-referentiel.{fmt}"'
    return response


# --- Items -----------------------------------------------------------------------------------------------


@require_GET
def competency_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    competency = competency_for(request.user, framework, item_pk)
    editable = can_edit(request.user, framework)
    esco_query = request.GET.get("esco_q", "").strip()
    esco_results = (
        search_items(framework_ids=reference_framework_ids(), query=esco_query, limit=15)
        if esco_query and editable
        else None
    )
    return render(
        request,
        "frameworks/competency_detail.html",
        {
            "framework": framework,
            "item": competency,
            "ancestors": ancestors(competency),
            "children": list(competency.children.order_by("position", "code")),
            "links": links_of(competency),
            "rules": list(rules_using(competency, request.user)),
            "can_edit": editable,
            "esco_query": esco_query,
            "esco_results": esco_results,
            "link_form": LinkForm(),
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")),
                (framework.title_fr, reverse("framework_detail", args=[framework.pk])),
                (competency.code or competency.statement_fr[:40], ""),
            ),
        },
    )


def _competency_form_page(request, framework, form, competency=None):
    title = _("Edit the item") if competency else _("New item")
    links = [
        (_("Frameworks"), reverse("framework_list")),
        (framework.title_fr, reverse("framework_detail", args=[framework.pk])),
    ]
    if competency is not None:
        links.append(
            (
                competency.code or competency.statement_fr[:40],
                reverse("competency_detail", args=[framework.pk, competency.pk]),
            )
        )
    return render(
        request,
        "frameworks/competency_form.html",
        {
            "framework": framework,
            "form": form,
            "item": competency,
            "title": title,
            "breadcrumb_data": _crumbs(*links, (title, "")),
        },
    )


def _apply_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def competency_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    initial = {}
    if parent_id := request.GET.get("parent", ""):
        initial["parent"] = parent_id if is_id(parent_id) else None
    form = CompetencyForm(request.POST or None, framework=framework, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            competency = competency_create(framework=framework, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("competency_detail", pk=framework.pk, item_pk=competency.pk)
    return _competency_form_page(request, framework, form)


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def competency_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    competency = competency_for(request.user, framework, item_pk)
    form = CompetencyForm(request.POST or None, framework=framework, instance=competency)
    if request.method == "POST" and form.is_valid():
        try:
            competency_update(
                competency=framework.items.get(pk=competency.pk), actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect("competency_detail", pk=framework.pk, item_pk=competency.pk)
    return _competency_form_page(request, framework, form, competency)


@require_POST
@role_required(*EDITOR_ROLES)
def competency_delete_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    competency = competency_for(request.user, framework, item_pk)
    try:
        competency_delete(competency=competency, actor=request.user)
    except ValidationError as error:
        _refuse(request, error)
        return redirect("competency_detail", pk=framework.pk, item_pk=competency.pk)
    messages.success(request, _("Item deleted."))
    return redirect("framework_detail", pk=framework.pk)


@require_POST
@role_required(*EDITOR_ROLES)
def competency_link_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    competency = competency_for(request.user, framework, item_pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        target = Competency.objects.filter(
            pk=form.cleaned_data["destination"], framework__kind=FrameworkKind.REFERENCE
        ).first()
        if target is None:
            messages.error(request, _("Choose a skill from the search results."))
        else:
            association_create(
                origin=competency,
                actor=request.user,
                association_type=form.cleaned_data["association_type"],
                destination=target,
            )
            messages.success(request, _("Link added."))
    else:
        messages.error(request, _("Choose a skill from the search results."))
    return redirect("competency_detail", pk=framework.pk, item_pk=competency.pk)


@require_POST
@role_required(*EDITOR_ROLES)
def competency_link_delete(request: HttpRequest, pk: int, item_pk: int, link_pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    _editable(request, framework)
    competency = competency_for(request.user, framework, item_pk)
    association = get_object_or_404(competency.outgoing_associations, pk=link_pk)
    association_delete(association=association, actor=request.user)
    messages.success(request, _("Link removed."))
    return redirect("competency_detail", pk=framework.pk, item_pk=competency.pk)


# --- Import ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*EDITOR_ROLES)
def framework_import(request: HttpRequest) -> HttpResponse:
    institutions = _editor_institutions(request.user)
    frameworks = Framework.objects.filter(institution__in=institutions, kind=FrameworkKind.SCHOOL).order_by(
        "-academic_year", "title_fr"
    )
    initial = {"target": request.GET["target"]} if is_id(request.GET.get("target", "")) else {}
    form = ImportForm(request.POST or None, request.FILES or None, frameworks=frameworks, initial=initial)
    problems = None
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        institution = target.institution if target else institutions.first()
        try:
            job = framework_import_preview(
                institution=institution,
                actor=request.user,
                upload=form.cleaned_data["file"],
                file_format=form.cleaned_data["file_format"] or None,
                target=target,
                title=form.cleaned_data["title"],
                academic_year=form.cleaned_data["academic_year"],
            )
        except FrameworkImportError as error:
            problems = error
            form.add_error(
                "file", _("This file cannot be imported: nothing was written. See the problems below.")
            )
        else:
            return redirect("framework_import_detail", pk=job.pk)
    return render(
        request,
        "frameworks/import_form.html",
        {
            "form": form,
            "problems": problems,
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")), (_("Import a framework"), "")
            ),
        },
        status=400 if problems else 200,
    )


@require_GET
@role_required(*MANAGER_ROLES)
def framework_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(imports_visible_to(request.user).select_related("target", "created_by"), pk=pk)
    return render(
        request,
        "frameworks/import_detail.html",
        {
            "job": job,
            "summary": job.summary,
            "can_apply": job.status == ImportStatus.PREVIEWED
            and has_role(request.user, *EDITOR_ROLES, institution=job.institution_id),
            "in_progress": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "breadcrumb_data": _crumbs(
                (_("Frameworks"), reverse("framework_list")),
                (_("Import a framework"), reverse("framework_import")),
                (job.original_name, ""),
            ),
        },
    )


@require_POST
@role_required(*EDITOR_ROLES)
def framework_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(imports_visible_to(request.user), pk=pk)
    try:
        framework_import_start(job=job, actor=request.user)
    except ValidationError as error:
        _refuse(request, error)
    return redirect("framework_import_detail", pk=job.pk)


@require_GET
@role_required(*MANAGER_ROLES)
def framework_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(imports_visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "phase": job.phase,
            "done": job.progress_done,
            "total": job.progress_total,
            "finished": job.status in (ImportStatus.APPLIED, ImportStatus.FAILED),
        }
    )
