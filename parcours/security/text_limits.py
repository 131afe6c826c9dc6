"""Text longer than its column is refused on every save, whatever the database.

PostgreSQL refuses such a value (a server error), SQLite stores it whole: the web forms check lengths, but
the API, the commands and the services write models directly. Before each save, every ``CharField`` with a
``max_length`` is checked; too long a value raises Django's ``ValidationError`` naming the field, which the
API answers with a 400 (``parcours.api.api``). Bulk writes and ``update()`` bypass signals: the importers
that use them check their values line by line first.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save


def check_text_lengths(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # fixtures are loaded as they are
        return
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField) or field.max_length is None:
            continue
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > field.max_length:
            try:
                MaxLengthValidator(field.max_length)(value)
            except ValidationError as exc:
                raise ValidationError({field.name: exc.error_list}) from None


def connect() -> None:
    pre_save.connect(check_text_lengths, dispatch_uid="parcours.security.text_limits")
