from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcours.privacy.models import ErasureRequest
from parcours.privacy.services import erasure_request, personal_data_export


@require_GET
def privacy_home(request: HttpRequest) -> HttpResponse:
    pending = ErasureRequest.objects.filter(user=request.user, processed_at__isnull=True).first()
    return render(request, "privacy/home.html", {"pending": pending})


@require_GET
def privacy_export(request: HttpRequest) -> HttpResponse:
    content = personal_data_export(user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{timezone.localdate():%Y%m%d}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def privacy_erasure(request: HttpRequest) -> HttpResponse:
    erasure_request(user=request.user, reason=request.POST.get("reason", "")[:2000])
    messages.success(
        request,
        _("Your erasure request is recorded. The data-protection officer will process it within a month."),
    )
    return redirect("privacy_home")
