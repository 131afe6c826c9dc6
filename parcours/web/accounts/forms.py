from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from parcours.web.forms import BaseForm


class LoginForm(BaseForm, AuthenticationForm):
    pass


class ResetRequestForm(BaseForm, PasswordResetForm):
    pass


class ResetSetPasswordForm(BaseForm, SetPasswordForm):
    pass
