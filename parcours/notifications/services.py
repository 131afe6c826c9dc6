"""Notify people: an in-app notification now, an e-mail in the recipient's language after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import translation

from parcours.accounts.models import User

from .models import Notification


@task()
def send_notification_email(*, recipient_id: int, subject: str, body: str) -> None:
    user = User.objects.filter(pk=recipient_id, is_active=True).first()
    if user is None:
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def notify(
    *,
    recipients: Iterable[User],
    action: str,
    message: Callable[[], str],
    url: str = "",
    email: bool = True,
) -> None:
    """Notify each recipient in their own language.

    ``message`` is called with each recipient's language active, so lazy translations resolve correctly.
    """
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = str(message())
            subject = f"[{settings.PARCOURS['PRODUCT_NAME']}] {text}"[:200]
            body = f"{text}\n\n{settings.SITE_URL}{url}" if url else text
        Notification.objects.create(recipient=user, action=action, message=text[:500], url=url)
        if email:
            recipient_id = user.pk
            transaction.on_commit(
                lambda rid=recipient_id, s=subject, b=body: send_notification_email.enqueue(
                    recipient_id=rid, subject=s, body=b
                )
            )
