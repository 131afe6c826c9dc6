from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from parcours.api.api import public_urls

admin.site.site_header = settings.PARCOURS["PRODUCT_NAME"]
admin.site.site_title = settings.PARCOURS["PRODUCT_NAME"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", public_urls()),
    path("", include("parcours.web.urls")),
]

handler400 = "parcours.web.errors.bad_request"
handler403 = "parcours.web.errors.permission_denied"
handler404 = "parcours.web.errors.page_not_found"
handler500 = "parcours.web.errors.server_error"
