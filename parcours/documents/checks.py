"""System checks: every registered document kind has a template in every configured language."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@register()
def check_document_templates(app_configs, **kwargs) -> list[Error]:
    from .registry import kinds

    errors = []
    for kind, doc_type in sorted(kinds().items()):
        for language, _name in settings.LANGUAGES:
            name = doc_type.template_name(language)
            try:
                get_template(name)
            except TemplateDoesNotExist:
                errors.append(
                    Error(
                        f"Document kind {kind!r} has no template for language {language!r}.",
                        hint=f"Create parcours/templates/{name}.",
                        id="documents.E001",
                    )
                )
            if language not in doc_type.names:
                errors.append(
                    Error(
                        f"Document kind {kind!r} has no name in language {language!r}.",
                        id="documents.E002",
                    )
                )
    return errors
