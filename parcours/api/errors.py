"""How the API words a Django ``ValidationError``: field by field, in English like its other messages."""

from django.core.exceptions import ValidationError
from django.utils import translation


def validation_detail(error: ValidationError) -> str:
    """``field: message; other: message`` (or the messages alone when they name no field)."""
    with translation.override("en"):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
