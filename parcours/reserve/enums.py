from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    MILITARY_PREPARATION = "military_preparation", _("Military preparation")
    INITIAL_TRAINING = "initial_training", _("Initial reserve training")
    SPECIALISATION = "specialisation", _("Specialisation")
    MISSION = "mission", _("Mission / operation")
    TEAM_LEADER_COURSE = "team_leader_course", _("Team-leader course")
    ELECTIVE_COURSE = "elective_course", _("Elective course")
    OTHER = "other", _("Other")


class RankBand(models.TextChoices):
    ANY = "", _("Any rank")
    ENLISTED = "enlisted", _("Enlisted (militaires du rang)")
    NCO = "nco", _("Non-commissioned officers (sous-officiers)")
    OFFICER = "officer", _("Officers")


class RuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class EctsMode(models.TextChoices):
    NONE = "none", _("No ECTS")
    FIXED = "fixed", _("Fixed number")
    PER_DAY = "per_day", _("Per day of activity, with a cap")
