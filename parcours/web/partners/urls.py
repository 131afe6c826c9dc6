from django.urls import path

from . import views

urlpatterns = [
    # Public.
    path("", views.info_index, name="partners_info_index"),
    path("faq/", views.faq, name="partners_faq"),
    path("pages/<slug:slug>/", views.info_page, name="partners_info_page"),
    path("profile/<str:token>/", views.shared_profile, name="partners_shared_profile"),
    # Students and staff.
    path("interest/", views.interest, name="partners_interest"),
    path("interest/confirm/", views.interest_confirm, name="partners_interest_confirm"),
    path("interest/withdraw/", views.interest_withdraw, name="partners_interest_withdraw"),
    path("share/", views.share_links, name="partners_share_links"),
    path("share/<int:pk>/revoke/", views.share_link_revoke, name="partners_share_revoke"),
    # Garde nationale referents.
    path("referrals/", views.referral_queue, name="partners_referrals"),
    path("referrals/<int:pk>/", views.referral_detail, name="partners_referral_detail"),
    path("referrals/<int:pk>/note/", views.referral_note, name="partners_referral_note"),
    path(
        "referrals/<int:pk>/transition/<slug:name>/",
        views.referral_transition,
        name="partners_referral_transition",
    ),
    # Referents and the school's leadership.
    path("reports/", views.dashboard, name="partners_dashboard"),
    path("reports/download/<slug:fmt>/", views.report_download, name="partners_report_download"),
]
