"""Public face of the frameworks app for the other apps."""

from .enums import AssociationType, FrameworkKind, FrameworkStatus, ItemType
from .models import Association, Competency, Framework, Level, TeachingUnit
from .selectors import (
    competency_search,
    framework_for,
    framework_tree,
    frameworks_visible_to,
    reference_framework_ids,
)
from .text import fold

__all__ = [
    "Association",
    "AssociationType",
    "Competency",
    "Framework",
    "FrameworkKind",
    "FrameworkStatus",
    "ItemType",
    "Level",
    "TeachingUnit",
    "competency_search",
    "fold",
    "framework_for",
    "framework_tree",
    "frameworks_visible_to",
    "reference_framework_ids",
]
