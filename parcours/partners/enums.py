"""Choices of the partnership features. Referral transitions are declared in ``workflow.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterestStatus(models.TextChoices):
    DRAFT = "draft", _("Not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


#: States in which a declaration still belongs to its holder's current choices.
OPEN_INTEREST = (InterestStatus.DRAFT, InterestStatus.CONFIRMED)


class ConsentScope(models.TextChoices):
    """What a person may agree to share with the Garde nationale referent, item by item."""

    CONTACT = "contact", _("My name and e-mail address")
    STUDIES = "studies", _("My institution, programme and year of study, or my staff status")
    FORCES = "forces", _("The forces that interest me")
    MESSAGE = "message", _("My message and my phone number")


#: Without this one there is nobody to contact: no referral is made.
REFERRAL_SCOPE = ConsentScope.CONTACT


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Consent expired")


class ReferralStage(models.TextChoices):
    NEW = "new", _("Received")
    CONTACTED = "contacted", _("Contacted")
    APPLICATION = "application", _("Application")
    JOINED = "joined", _("Joined")
    NOT_PURSUED = "not_pursued", _("Not pursued")
    CLOSED = "closed", _("Closed (consent withdrawn or expired)")


#: Referrals the referent still works on; the others are finished.
OPEN_STAGES = (ReferralStage.NEW, ReferralStage.CONTACTED, ReferralStage.APPLICATION)
