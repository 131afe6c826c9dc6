from django.db import models
from django.utils.translation import gettext_lazy as _


class ReservistStatus(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active reservist")
    FORMER = "former", _("Former reservist")


class Visibility(models.TextChoices):
    """Who may see an item, from the most private. The default is always the most private."""

    PRIVATE = "private", _("Only me")
    JURY = "jury", _("Me and the people who decide")
    RECRUITERS = "recruiters", _("Also recruiters (through my shared credentials)")


class SensitiveVisibility(models.TextChoices):
    """Unit, rank and place reveal military status: never shown to recruiters."""

    PRIVATE = "private", _("Only me")
    JURY = "jury", _("Me and the people who decide")


class EvidenceKind(models.TextChoices):
    ATTESTATION = "attestation", _("Attestation of service")
    CERTIFICATE = "certificate", _("Certificate or diploma")
    ORDER = "order", _("Call-up or mission order")
    OTHER = "other", _("Other document")
