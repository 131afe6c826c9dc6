"""Garde nationale partnership: public information, interest with consent, referrals, share links, statistics.

Personal data held here:
- ``InterestDeclaration`` / ``ConsentRecord`` / ``Referral``: a person's interest in joining the operational
  reserve, the consent they gave (which version of the text, which items) and where the referral stands.
  Visible to the person; to the Garde nationale referents of the person's institution only the items the
  person agreed to share, and only while the consent runs; to nobody else (school staff and the referents
  see aggregates). Kept: never-confirmed declarations ``UNCONFIRMED_RETENTION_DAYS`` days; confirmed ones
  until the consent expires or is withdrawn — then the details are erased at once and the record (proof of
  consent and withdrawal) is deleted ``WITHDRAWN_RETENTION_DAYS`` days later (``manage.py purge_partners``).
- ``ShareLink``: a holder's link to a public profile of their recognised competencies. Visible to the
  holder; the profile is visible to whoever holds the link until it expires or is revoked. Deleted with the
  account.
The other models hold no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.audit.models import TransitionLog

from .enums import OPEN_INTEREST, ConsentAction, ConsentScope, InterestStatus, ReferralStage


def _localized(obj, field: str, language: str) -> str:
    """``field_en`` in English when filled in, else ``field_fr``."""
    if language == "en":
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_fr")


class InfoPage(models.Model):
    """A public page about the reserve, the forces, the convention, the track or the elective. No personal data.

    The body is written in a small markup (paragraphs, ``## headings``, ``- lists``, ``**bold**``,
    ``[links](https://…)``); everything else is escaped (see ``markup.py``).
    """

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary (French)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title_fr

    def title(self, language: str) -> str:
        return _localized(self, "title", language)

    def summary(self, language: str) -> str:
        return _localized(self, "summary", language)

    def body(self, language: str) -> str:
        return _localized(self, "body", language)


class FaqEntry(models.Model):
    """A question and its answer on combining studies and reserve duty. No personal data."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer_fr = models.TextField(_("answer (French)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question_fr

    def question(self, language: str) -> str:
        return _localized(self, "question", language)

    def answer(self, language: str) -> str:
        return _localized(self, "answer", language)


class ConsentTextQuerySet(models.QuerySet["ConsentText"]):
    def current(self) -> ConsentText | None:
        return self.filter(published_at__lte=timezone.now()).order_by("-version").first()


class ConsentText(models.Model):
    """One version of the consent text of the interest form. No personal data.

    A version that someone agreed to is never changed (the record points to it): write a new version.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    purpose_fr = models.TextField(_("why the data is shared (French)"))
    purpose_en = models.TextField(_("why the data is shared (English)"), blank=True)
    recipients_fr = models.TextField(_("who receives it (French)"))
    recipients_en = models.TextField(_("who receives it (English)"), blank=True)
    withdrawal_fr = models.TextField(_("how to withdraw (French)"))
    withdrawal_en = models.TextField(_("how to withdraw (English)"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("consent valid for (months)"), default=12)
    published_at = models.DateTimeField(_("in force from"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_months__gte=1), name="consent_duration_positive")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def purpose(self, language: str) -> str:
        return _localized(self, "purpose", language)

    def recipients(self, language: str) -> str:
        return _localized(self, "recipients", language)

    def withdrawal(self, language: str) -> str:
        return _localized(self, "withdrawal", language)

    @property
    def is_used(self) -> bool:
        return self.pk is not None and self.records.exists()


class ConsentItem(models.Model):
    """What one consent item shares and why, in a version of the consent text. No personal data."""

    consent_text = models.ForeignKey(ConsentText, on_delete=models.CASCADE, related_name="items")
    scope = models.CharField(_("item"), max_length=16, choices=ConsentScope.choices)
    shared_fr = models.CharField(_("what is shared (French)"), max_length=300)
    shared_en = models.CharField(_("what is shared (English)"), max_length=300, blank=True)
    why_fr = models.CharField(_("why (French)"), max_length=300)
    why_en = models.CharField(_("why (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent item")
        verbose_name_plural = _("consent items")
        ordering = ["consent_text", "id"]
        constraints = [models.UniqueConstraint(fields=["consent_text", "scope"], name="consent_item_unique")]

    def __str__(self) -> str:
        return f"{self.consent_text} {self.scope}"

    def shared(self, language: str) -> str:
        return _localized(self, "shared", language)

    def why(self, language: str) -> str:
        return _localized(self, "why", language)


class InterestDeclaration(models.Model):
    """A student's or staff member's interest in joining the reserve, with the consent they gave.

    Personal data: see the module docstring. ``message`` and ``phone`` are erased as soon as the consent is
    withdrawn or expires; the whole record is deleted after the retention period.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reserve_interests"
    )
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="reserve_interests"
    )
    role = models.CharField(_("as"), max_length=32)
    forces = models.ManyToManyField(
        "reserve.Force", blank=True, related_name="+", verbose_name=_("forces that interest me")
    )
    message = models.TextField(_("message to the referent"), blank=True, max_length=2000)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InterestStatus.choices, default=InterestStatus.DRAFT
    )
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    # One flag per consent item (ConsentScope), all off until the person ticks them.
    share_contact = models.BooleanField(_("share my name and e-mail address"), default=False)
    share_studies = models.BooleanField(_("share my studies or staff status"), default=False)
    share_forces = models.BooleanField(_("share the forces that interest me"), default=False)
    share_message = models.BooleanField(_("share my message and phone number"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("consent expires at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("withdrawn or expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interest in the reserve")
        verbose_name_plural = _("interests in the reserve")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                condition=Q(status__in=OPEN_INTEREST),
                name="one_open_interest_per_institution",
            ),
            models.CheckConstraint(
                condition=~Q(status=InterestStatus.CONFIRMED)
                | (
                    Q(confirmed_at__isnull=False)
                    & Q(expires_at__isnull=False)
                    & Q(consent_text__isnull=False)
                ),
                name="confirmed_interest_has_consent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_INTEREST) | Q(ended_at__isnull=False),
                name="ended_interest_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_INTEREST) | (Q(message="") & Q(phone="")),
                name="ended_interest_details_erased",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.institution_id} ({self.status})"

    def has_scope(self, scope: str) -> bool:
        return bool(getattr(self, f"share_{scope}"))

    @property
    def scopes(self) -> list[str]:
        return [scope for scope in ConsentScope.values if self.has_scope(scope)]


class ConsentRecord(models.Model):
    """Proof of consent: the version of the text, the items, given or withdrawn, when. Append-only.

    Personal data: ties a person's declaration to their choices. Visible to the person and administrators.
    Deleted with the declaration.
    """

    declaration = models.ForeignKey(InterestDeclaration, on_delete=models.CASCADE, related_name="consents")
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="records")
    action = models.CharField(_("action"), max_length=16, choices=ConsentAction.choices)
    scopes = models.JSONField(_("items"), default=list)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["declaration", "created_at", "id"]


class ReferralQuerySet(models.QuerySet["Referral"]):
    def consenting(self) -> ReferralQuerySet:
        """Referrals of people whose consent to be contacted runs now: the only ones a referent may see."""
        return self.filter(
            declaration__status=InterestStatus.CONFIRMED,
            declaration__share_contact=True,
            declaration__expires_at__gt=timezone.now(),
        ).exclude(stage=ReferralStage.CLOSED)


class Referral(models.Model):
    """A consenting person handed to the Garde nationale referents of their institution, and its stage.

    Personal data: the link to the declaration and the referent's note (erased when the referral closes).
    Visible to the person (stage only) and to the referents of the institution while the consent runs.
    """

    declaration = models.OneToOneField(InterestDeclaration, on_delete=models.CASCADE, related_name="referral")
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="referrals"
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=ReferralStage.choices, default=ReferralStage.NEW
    )
    note = models.TextField(_("referent's note"), blank=True, max_length=2000)
    #: The stage a closed referral had reached: reports count a referral closed after « joined » as joined.
    closed_from = models.CharField(
        _("closed at stage"), max_length=16, choices=ReferralStage.choices, blank=True
    )
    version = models.PositiveIntegerField(default=0, help_text="optimistic lock, bumped by each transition")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["stage_changed_at", "id"]
        indexes = [models.Index(fields=["institution", "stage"], name="referral_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=ReferralStage.CLOSED) | Q(note=""), name="closed_referral_note_erased"
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.stage})"

    @property
    def reported_stage(self) -> str:
        """The category it counts in: its stage, or for a closed referral the outcome it had reached."""
        if self.stage == ReferralStage.CLOSED and self.closed_from in (
            ReferralStage.JOINED,
            ReferralStage.NOT_PURSUED,
        ):
            return self.closed_from
        return self.stage


class ReferralTransition(TransitionLog):
    """One step of a referral: who moved it, when, from which stage to which. Deleted with the referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("from"), max_length=16, choices=ReferralStage.choices)
    target = models.CharField(_("to"), max_length=16, choices=ReferralStage.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")


class ReferralTally(models.Model):
    """How many purged referrals ended at each stage, per institution and year: the yearly reports keep
    counting them once the people's data is gone. No personal data (counts only, shown suppressed)."""

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.CharField(_("stage"), max_length=16, choices=ReferralStage.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("purged referrals count")
        verbose_name_plural = _("purged referrals counts")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "stage"], name="referral_tally_unique")
        ]


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def live(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A holder's public, expiring, revocable link to a profile of their recognised competencies.

    Personal data: see the module docstring. The profile never shows unit, rank, place or evidence.
    """

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("who it is for"), max_length=120, blank=True)
    show_name = models.BooleanField(_("show my name"), default=True)
    include_credentials = models.BooleanField(_("show my verifiable credentials"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    last_viewed_at = models.DateTimeField(_("last viewed at"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="share_link_expires_later"
            )
        ]

    def __str__(self) -> str:
        return f"share link {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class StatisticsSnapshot(models.Model):
    """A computed set of protected (already suppressed) tables, read by the dashboards. No personal data."""

    created_at = models.DateTimeField(auto_now_add=True)
    threshold = models.PositiveSmallIntegerField()
    years = models.JSONField(default=list)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["-created_at", "-id"]


class SnapshotRow(models.Model):
    """One institution's protected figures (or, without institution, the national ones) for a report and a
    year. Holds only published values and the labels of hidden ones."""

    snapshot = models.ForeignKey(StatisticsSnapshot, on_delete=models.CASCADE, related_name="rows")
    report = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, null=True, related_name="+"
    )
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "institution"], name="snapshot_row_idx")]
