from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .forms import LoginForm, ResetRequestForm, ResetSetPasswordForm

urlpatterns = [
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(form_class=LoginForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        login_not_required(auth_views.PasswordResetView.as_view(form_class=ResetRequestForm)),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view(form_class=ResetSetPasswordForm)),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
