"""Show a service refusal on the form field it names (or as a form error)."""


def add_service_error(form, exc) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))
