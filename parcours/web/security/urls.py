from django.urls import path

from . import views

urlpatterns = [
    path("", views.security_home, name="security_home"),
    path("tokens/", views.token_list, name="security_tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="security_token_revoke"),
    path("two-factor/", views.two_factor, name="security_two_factor"),
    path("two-factor/enrol/", views.two_factor_enrol, name="security_two_factor_enrol"),
    path("two-factor/verify/", views.two_factor_verify, name="security_two_factor_verify"),
    path("two-factor/disable/", views.two_factor_disable, name="security_two_factor_disable"),
    path("two-factor/backup-codes/", views.two_factor_backup_codes, name="security_two_factor_backup_codes"),
]
