from django.db import models
from django.utils.translation import gettext_lazy as _


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    FROZEN = "frozen", _("Frozen")


class FrameworkKind(models.TextChoices):
    SCHOOL = "school", _("School framework")
    REFERENCE = "reference", _("Reference framework (ESCO, …)")


class ItemType(models.TextChoices):
    BLOCK = "block", _("Block of competencies")
    COMPETENCY = "competency", _("Competency")
    COMPONENT = "component", _("Component")
    SKILL = "skill", _("Skill")
    OTHER = "other", _("Other")


class AssociationType(models.TextChoices):
    """CASE 1.1 association types."""

    IS_CHILD_OF = "isChildOf", "isChildOf"
    EXACT_MATCH_OF = "exactMatchOf", "exactMatchOf"
    IS_RELATED_TO = "isRelatedTo", "isRelatedTo"
    IS_PART_OF = "isPartOf", "isPartOf"
    PRECEDES = "precedes", "precedes"
    IS_PEER_OF = "isPeerOf", "isPeerOf"
    REPLACED_BY = "replacedBy", "replacedBy"
    EXEMPLAR = "exemplar", "exemplar"
    HAS_SKILL_LEVEL = "hasSkillLevel", "hasSkillLevel"
    IS_TRANSLATION_OF = "isTranslationOf", "isTranslationOf"


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    CASE = "case", "CASE (JSON)"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Ready to apply")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
