"""Users, institutions and memberships.

Personal data: ``User`` holds a name, an e-mail address and a preferred language; it is seen by the
person, by the school staff of the institutions where the person holds a membership, and by
administrators. It is kept while the account is active, and deleted or pseudonymised on erasure
(academic decisions are kept as the law requires).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import EmploymentStatus, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account, identified by e-mail.

    Personal data: e-mail, first and last name, preferred language. Visible to the person, to the school
    staff of their institutions and to administrators. Kept while the account is active.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("access to the admin site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def for_user(self, user) -> InstitutionQuerySet:
        """Institutions where ``user`` holds at least one membership (all of them for a superuser)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Institution(models.Model):
    """A school (one deployment can serve several). Holds no personal data."""

    slug = models.SlugField(_("short name"), unique=True, max_length=60)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    academic_year_start_month = models.PositiveSmallIntegerField(
        _("month the academic year starts"), default=9
    )
    academic_year_start_day = models.PositiveSmallIntegerField(_("day the academic year starts"), default=1)
    partnership_signed_on = models.DateField(
        _("convention with the Garde nationale signed on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A diploma programme of an institution (for example « Ingénieur généraliste »). Holds no personal data."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("code"), max_length=40)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    ects_total = models.PositiveSmallIntegerField(_("total ECTS"), default=180)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["institution", "code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="programme_code_unique")]

    def __str__(self) -> str:
        return self.name_fr


class Cohort(models.Model):
    """A year group of a programme (for example « 1A 2026-2027 »). Holds no personal data."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    academic_year = models.PositiveSmallIntegerField(_("academic year (first calendar year)"))
    graduation_year = models.PositiveSmallIntegerField(_("expected graduation year"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme", "academic_year", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="cohort_code_unique")]

    def __str__(self) -> str:
        return self.label


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(models.Model):
    """A role held by a person in an institution; a person can hold several.

    Personal data: links a person to a school, a role and possibly a cohort and an employment status.
    Visible to the person, the school staff of that institution and administrators. Kept while the
    membership is active and for the retention period after it ends.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    employment_status = models.CharField(
        _("employment status"), max_length=32, choices=EmploymentStatus.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["institution", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "institution", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(employment_status="") | Q(role=Role.STAFF),
                name="employment_status_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.institution.slug})"
