"""Writes of the partnership features: one transaction each, side effects after commit.

Interest and consent: ``interest_save`` (a draft, nothing shared yet) → ``interest_confirm`` (consent
recorded against the current text version; a referral when the person agreed to be contacted) →
``interest_withdraw`` at any time (referral closed, details erased at once, record purged later).
Referrals: ``referral_transition`` along ``workflow.TRANSITIONS``. Recruiters: ``share_link_create`` /
``share_link_revoke`` / ``share_link_viewed``. Retention: ``partners_purge``.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import RESERVIST_ROLES, Role
from parcours.accounts.models import Membership, User
from parcours.audit.services import audit_record

from .conf import partners_setting
from .enums import ConsentAction, ConsentScope, InterestStatus, ReferralStage
from .models import (
    ConsentItem,
    ConsentRecord,
    ConsentText,
    InterestDeclaration,
    Referral,
    ReferralTally,
    ReferralTransition,
    ShareLink,
)
from .workflow import BY_NAME

DATA_DIR = Path(__file__).resolve().parent / "data"
PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{5,22}$")


class PartnersError(Exception):
    """A refused write; ``field`` names the form field at fault when there is one."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


class ConcurrentChange(PartnersError):
    pass


def _months_later(moment, months: int):
    """Same day ``months`` later (clamped to the month's last day)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


# --------------------------------------------------------------------------------------------------------
# Consent text


@transaction.atomic
def consent_text_load(path: Path | None = None) -> ConsentText:
    """Create the consent text version described by a data file, if that version does not exist yet."""
    data = json.loads((path or DATA_DIR / "consent_text_v1.json").read_text(encoding="utf-8"))
    existing = ConsentText.objects.filter(version=data["version"]).first()
    if existing is not None:
        return existing
    fields = {k: v for k, v in data.items() if k not in ("items",)}
    text = ConsentText.objects.create(published_at=timezone.now(), **fields)
    for item in data["items"]:
        ConsentItem.objects.create(consent_text=text, **item)
    return text


@transaction.atomic
def info_content_load(*, overwrite: bool = False) -> tuple[int, int]:
    """Load the bundled information pages and FAQ (``data/info_pages.json``, ``data/faq.json``).

    Existing pages are left as the administrator edited them unless ``overwrite``. Returns (pages, questions).
    """
    from .models import FaqEntry, InfoPage

    pages = json.loads((DATA_DIR / "info_pages.json").read_text(encoding="utf-8"))
    for page in pages:
        slug = page.pop("slug")
        if overwrite:
            InfoPage.objects.update_or_create(slug=slug, defaults=page)
        else:
            InfoPage.objects.get_or_create(slug=slug, defaults=page)
    questions = json.loads((DATA_DIR / "faq.json").read_text(encoding="utf-8"))
    for entry in questions:
        if overwrite or not FaqEntry.objects.filter(question_fr=entry["question_fr"]).exists():
            FaqEntry.objects.update_or_create(question_fr=entry["question_fr"], defaults=entry)
    return len(pages), len(questions)


def consent_text_current() -> ConsentText:
    """The version in force (the bundled first version is created on first use)."""
    return ConsentText.objects.current() or consent_text_load()


# --------------------------------------------------------------------------------------------------------
# Interest and consent


def reservist_memberships(user) -> list[Membership]:
    """The memberships under which ``user`` may declare an interest (student or staff)."""
    return list(
        Membership.objects.active()
        .filter(user=user, role__in=RESERVIST_ROLES)
        .select_related("institution")
        .order_by("institution__name", "role")
    )


@transaction.atomic
def interest_save(
    *,
    user: User,
    institution,
    forces=(),
    message: str = "",
    phone: str = "",
    scopes=(),
) -> InterestDeclaration:
    """Save (or update) a draft declaration. Nothing is shared until ``interest_confirm``."""
    membership = next((m for m in reservist_memberships(user) if m.institution_id == institution.pk), None)
    if membership is None:
        raise PartnersError(
            _("Only the students and staff of this institution can declare an interest."), "institution"
        )
    unknown = set(scopes) - set(ConsentScope.values)
    if unknown:
        raise PartnersError(
            _("Unknown consent item: %(items)s.") % {"items": ", ".join(sorted(unknown))}, "scopes"
        )
    phone = (phone or "").strip()
    if phone and not PHONE.match(phone):
        raise PartnersError(_("Enter a phone number made of digits, spaces, dots or dashes."), "phone")
    if len(message or "") > 2000:
        raise PartnersError(_("The message is limited to 2,000 characters."), "message")
    existing = (
        InterestDeclaration.objects.select_for_update()
        .filter(
            user=user, institution=institution, status__in=[InterestStatus.DRAFT, InterestStatus.CONFIRMED]
        )
        .first()
    )
    if existing is not None and existing.status == InterestStatus.CONFIRMED:
        raise PartnersError(
            _("Your interest is already confirmed. Withdraw it first to change your choices.")
        )
    declaration = existing or InterestDeclaration(user=user, institution=institution)
    declaration.role = Role.STUDENT if membership.role == Role.STUDENT else Role.STAFF
    declaration.message = (message or "").strip()
    declaration.phone = phone
    declaration.consent_text = consent_text_current()
    for scope in ConsentScope.values:
        setattr(declaration, f"share_{scope}", scope in scopes)
    declaration.save()
    declaration.forces.set(forces)
    return declaration


@transaction.atomic
def interest_confirm(
    *, declaration: InterestDeclaration, actor: User, consent_version: int
) -> InterestDeclaration:
    """Record the consent the person just read (``consent_version``) and, if they agreed, refer them."""
    declaration = InterestDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.user_id != actor.pk:
        raise PartnersError(_("Only the person concerned can confirm their interest."))
    if declaration.status != InterestStatus.DRAFT:
        raise PartnersError(_("This declaration is not waiting for confirmation."))
    current = consent_text_current()
    if consent_version != current.version:
        raise PartnersError(_("The consent text has just changed: read the new version before confirming."))
    now = timezone.now()
    declaration.status = InterestStatus.CONFIRMED
    declaration.consent_text = current
    declaration.confirmed_at = now
    declaration.expires_at = _months_later(now, current.duration_months)
    declaration.save()
    ConsentRecord.objects.create(
        declaration=declaration, consent_text=current, action=ConsentAction.GIVEN, scopes=declaration.scopes
    )
    audit_record(
        "partners.interest.confirmed",
        actor=actor,
        target=declaration,
        institution=declaration.institution,
        data={"consent_version": current.version, "scopes": declaration.scopes},
    )
    if declaration.share_contact:
        referral = Referral.objects.create(declaration=declaration, institution=declaration.institution)
        audit_record(
            "partners.referral.created", actor=actor, target=referral, institution=declaration.institution
        )
        institution_id = declaration.institution_id
        transaction.on_commit(lambda: _notify_referents(institution_id))
    return declaration


def _notify_referents(institution_id: int) -> None:
    """Tell the institution's referents that a referral waits (no name in the message)."""
    from parcours.notifications.services import notify

    referents = User.objects.filter(
        memberships__institution_id=institution_id,
        memberships__role=Role.PARTNER_REFERENT,
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    notify(
        recipients=referents,
        action="partners.referral.created",
        message=lambda: _("A new referral waits in your queue."),
        url=reverse("partners_referrals"),
    )


def _close_referral(referral: Referral, actor: User | None) -> None:
    if referral.stage == ReferralStage.CLOSED:
        return
    ReferralTransition.objects.create(
        referral=referral, source=referral.stage, target=ReferralStage.CLOSED, actor=actor
    )
    referral.closed_from = referral.stage
    referral.stage = ReferralStage.CLOSED
    referral.note = ""
    referral.version += 1
    referral.stage_changed_at = timezone.now()
    referral.save()


def _end(declaration: InterestDeclaration, *, status: str, action: str, actor: User | None) -> None:
    """Withdrawal or expiry: close the referral and erase the shared details at once."""
    declaration.status = status
    declaration.ended_at = timezone.now()
    declaration.message = ""
    declaration.phone = ""
    declaration.save()
    declaration.forces.clear()
    ConsentRecord.objects.create(
        declaration=declaration,
        consent_text=declaration.consent_text,
        action=action,
        scopes=declaration.scopes,
    )
    referral = Referral.objects.filter(declaration=declaration).first()
    if referral is not None:
        _close_referral(referral, actor)


@transaction.atomic
def interest_withdraw(*, declaration: InterestDeclaration, actor: User) -> None:
    """Withdraw at any time. A draft (never confirmed, nothing shared) is simply deleted."""
    declaration = InterestDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.user_id != actor.pk:
        raise PartnersError(_("Only the person concerned can withdraw their consent."))
    if declaration.status == InterestStatus.DRAFT:
        declaration.delete()
        return
    if declaration.status != InterestStatus.CONFIRMED:
        raise PartnersError(_("This consent has already ended."))
    _end(declaration, status=InterestStatus.WITHDRAWN, action=ConsentAction.WITHDRAWN, actor=actor)
    audit_record(
        "partners.consent.withdrawn", actor=actor, target=declaration, institution=declaration.institution
    )


# --------------------------------------------------------------------------------------------------------
# Referrals


@transaction.atomic
def referral_transition(
    *, referral: Referral, name: str, actor: User, expected_version: int | None = None
) -> Referral:
    """Move a referral along the workflow table; only the institution's referents call this."""
    transition = BY_NAME.get(name)
    if transition is None or not transition.by_referent:
        raise PartnersError(_("Unknown action."))
    referral = Referral.objects.select_for_update().consenting().get(pk=referral.pk)
    if expected_version is not None and expected_version != referral.version:
        raise ConcurrentChange(_("Someone else changed this referral meanwhile: look at it again."))
    if referral.stage not in transition.sources:
        raise PartnersError(
            _("This action is not possible at the stage “%(stage)s”.")
            % {"stage": referral.get_stage_display()}
        )
    ReferralTransition.objects.create(
        referral=referral, source=referral.stage, target=transition.target, actor=actor
    )
    referral.stage = transition.target
    referral.version += 1
    referral.stage_changed_at = timezone.now()
    referral.save()
    audit_record(
        f"partners.referral.{name}",
        actor=actor,
        target=referral,
        institution=referral.institution,
        data={"stage": referral.stage},
    )
    return referral


@transaction.atomic
def referral_note_save(*, referral: Referral, note: str, actor: User) -> Referral:
    referral = Referral.objects.select_for_update().consenting().get(pk=referral.pk)
    if len(note or "") > 2000:
        raise PartnersError(_("The note is limited to 2,000 characters."), "note")
    referral.note = (note or "").strip()
    referral.save(update_fields=["note"])
    return referral


# --------------------------------------------------------------------------------------------------------
# Share links for recruiters


@transaction.atomic
def share_link_create(
    *, holder: User, days: int, label: str = "", show_name: bool = True, include_credentials: bool = True
) -> ShareLink:
    limit = partners_setting("SHARE_LINK_MAX_DAYS")
    if not 1 <= int(days) <= limit:
        raise PartnersError(_("A link lasts between 1 and %(max)s days.") % {"max": limit}, "days")
    now = timezone.now()
    link = ShareLink.objects.create(
        holder=holder,
        token=secrets.token_urlsafe(24),
        label=(label or "").strip()[:120],
        show_name=show_name,
        include_credentials=include_credentials,
        expires_at=now + timedelta(days=int(days)),
    )
    audit_record("partners.share_link.created", actor=holder, target=link, data={"days": int(days)})
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, actor: User) -> ShareLink:
    if link.holder_id != actor.pk:
        raise PartnersError(_("Only the holder can revoke this link."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record("partners.share_link.revoked", actor=actor, target=link)
    return link


def share_link_viewed(*, link: ShareLink) -> None:
    """Count one view (a single UPDATE: concurrent views are all counted)."""
    ShareLink.objects.filter(pk=link.pk).update(view_count=F("view_count") + 1, last_viewed_at=timezone.now())


# --------------------------------------------------------------------------------------------------------
# Retention


@dataclass
class PurgeReport:
    expired: int = 0
    drafts_deleted: int = 0
    ended_deleted: int = 0
    share_links_deleted: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def partners_purge(*, now=None) -> PurgeReport:
    """Apply the retention promises of the consent text. Safe to run as often as wanted."""
    now = now or timezone.now()
    report = PurgeReport()
    for declaration_id in InterestDeclaration.objects.filter(
        status=InterestStatus.CONFIRMED, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            declaration = InterestDeclaration.objects.select_for_update().get(pk=declaration_id)
            if declaration.status == InterestStatus.CONFIRMED:
                _end(declaration, status=InterestStatus.EXPIRED, action=ConsentAction.EXPIRED, actor=None)
                report.expired += 1
    with transaction.atomic():
        unconfirmed_before = now - timedelta(days=partners_setting("UNCONFIRMED_RETENTION_DAYS"))
        deleted = InterestDeclaration.objects.filter(
            status=InterestStatus.DRAFT, created_at__lt=unconfirmed_before
        ).delete()
        report.drafts_deleted = deleted[1].get("partners.InterestDeclaration", 0)
        ended_before = now - timedelta(days=partners_setting("WITHDRAWN_RETENTION_DAYS"))
        ended = InterestDeclaration.objects.filter(
            status__in=[InterestStatus.WITHDRAWN, InterestStatus.EXPIRED], ended_at__lt=ended_before
        )
        tallies: Counter = Counter()
        for referral in Referral.objects.filter(declaration__in=ended):
            tallies[
                (
                    referral.institution_id,
                    timezone.localtime(referral.created_at).year,
                    referral.reported_stage,
                )
            ] += 1
        for (institution_id, year, stage), count in tallies.items():
            tally = ReferralTally.objects.get_or_create(
                institution_id=institution_id, year=year, stage=stage
            )[0]
            ReferralTally.objects.filter(pk=tally.pk).update(count=F("count") + count)
        report.ended_deleted = ended.count()
        ended.delete()
        links = ShareLink.objects.filter(expires_at__lt=ended_before) | ShareLink.objects.filter(
            revoked_at__lt=ended_before
        )
        report.share_links_deleted = links.delete()[1].get("partners.ShareLink", 0)
        audit_record("partners.purge.completed", data=report.as_dict())
    return report
