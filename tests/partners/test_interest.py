"""Interest with explicit, granular consent; withdrawal at any time; retention."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from parcours.accounts.enums import Role
from parcours.partners import selectors, services
from parcours.partners.enums import ConsentAction, InterestStatus, ReferralStage
from parcours.partners.models import ConsentRecord, ConsentText, InterestDeclaration, Referral, ReferralTally
from parcours.partners.services import PartnersError

from .factories import interested, referral_of

pytestmark = pytest.mark.django_db


def queue_of(referent):
    return list(selectors.referral_queue(referent))


def test_nothing_is_shared_before_confirmation(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    declaration = interested(institution, confirm=False)
    assert declaration.status == InterestStatus.DRAFT
    assert not Referral.objects.exists()
    assert queue_of(referent) == []


def test_confirmation_records_the_consent_version_and_refers(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    declaration = interested(institution, scopes=["contact", "forces"])
    assert declaration.status == InterestStatus.CONFIRMED
    record = ConsentRecord.objects.get(declaration=declaration)
    assert record.action == ConsentAction.GIVEN
    assert record.consent_text.version == 1 and record.scopes == ["contact", "forces"]
    assert declaration.expires_at > timezone.now() + timedelta(days=360)
    assert [r.declaration_id for r in queue_of(referent)] == [declaration.pk]


def test_without_the_contact_item_nobody_is_referred(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    declaration = interested(institution, scopes=["studies", "forces"])
    assert declaration.status == InterestStatus.CONFIRMED
    assert not Referral.objects.exists() and queue_of(referent) == []


def test_the_referent_sees_only_the_items_agreed_to(institution):
    declaration = interested(
        institution, scopes=["contact"], message="Mon message", phone="06 11 22 33 44", first_name="Zoé"
    )
    card = selectors.referral_card(referral_of(declaration), "fr")
    assert card.name.startswith("Zoé") and card.email == declaration.user.email
    assert card.studies == "" and card.forces == [] and card.message == "" and card.phone == ""


def test_a_changed_consent_text_must_be_read_again(client, institution):
    declaration = interested(institution, confirm=False)
    ConsentText.objects.create(
        version=2, purpose_fr="p", recipients_fr="r", withdrawal_fr="w", published_at=timezone.now()
    )
    with translation.override("en"), pytest.raises(PartnersError, match="changed"):
        services.interest_confirm(declaration=declaration, actor=declaration.user, consent_version=1)
    declaration.refresh_from_db()
    assert declaration.status == InterestStatus.DRAFT
    client.force_login(declaration.user)
    assert b"version 2" in client.get(reverse("partners_interest_confirm")).content


def test_withdrawal_during_a_referral_closes_it_and_erases_the_details(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    declaration = interested(institution, message="Disponible l'été", phone="0611223344")
    referral = services.referral_transition(referral=referral_of(declaration), name="contact", actor=referent)
    services.referral_note_save(referral=referral, note="Appelé le 3", actor=referent)
    services.interest_withdraw(declaration=declaration, actor=declaration.user)
    declaration.refresh_from_db()
    referral.refresh_from_db()
    assert declaration.status == InterestStatus.WITHDRAWN
    assert declaration.message == "" and declaration.phone == "" and not declaration.forces.exists()
    assert referral.stage == ReferralStage.CLOSED and referral.closed_from == ReferralStage.CONTACTED
    assert referral.note == ""
    assert queue_of(referent) == []
    assert list(ConsentRecord.objects.filter(declaration=declaration).values_list("action", flat=True)) == [
        ConsentAction.GIVEN,
        ConsentAction.WITHDRAWN,
    ]


def test_only_the_person_can_withdraw(institution, make_user):
    declaration = interested(institution)
    with pytest.raises(PartnersError):
        services.interest_withdraw(declaration=declaration, actor=make_user(Role.STUDENT))


def test_purge_applies_every_retention_period(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    old_draft = interested(institution, confirm=False)
    InterestDeclaration.objects.filter(pk=old_draft.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent_draft = interested(institution, confirm=False)
    expiring = interested(institution)
    InterestDeclaration.objects.filter(pk=expiring.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    withdrawn = interested(institution)
    services.referral_transition(referral=referral_of(withdrawn), name="contact", actor=referent)
    services.interest_withdraw(declaration=withdrawn, actor=withdrawn.user)
    InterestDeclaration.objects.filter(pk=withdrawn.pk).update(ended_at=timezone.now() - timedelta(days=31))
    kept = interested(institution)

    report = services.partners_purge()

    assert (report.expired, report.drafts_deleted, report.ended_deleted) == (1, 1, 1)
    remaining = set(InterestDeclaration.objects.values_list("pk", flat=True))
    assert remaining == {recent_draft.pk, expiring.pk, kept.pk}
    assert InterestDeclaration.objects.get(pk=expiring.pk).status == InterestStatus.EXPIRED
    assert [r.declaration_id for r in queue_of(referent)] == [kept.pk]
    tally = ReferralTally.objects.get()
    assert (tally.stage, tally.count) == (ReferralStage.CLOSED, 1)


def test_purge_command_runs_the_task(institution, capsys):
    call_command("purge_partners")
    assert '"drafts_deleted": 0' in capsys.readouterr().out


def test_the_form_then_confirmation_then_withdrawal(client, institution, make_user):
    student = make_user(Role.STUDENT, first_name="Léna", last_name="Vidal")
    client.force_login(student)
    page = client.get(reverse("partners_interest"))
    assert page.status_code == 200 and b"version 1" in page.content
    response = client.post(
        reverse("partners_interest"),
        {"institution": institution.pk, "message": "Bonjour", "phone": "", "scope_contact": "on"},
    )
    assert response.status_code == 302 and response.url == reverse("partners_interest_confirm")
    review = client.get(reverse("partners_interest_confirm"))
    assert student.email.encode() in review.content
    refused = client.post(reverse("partners_interest_confirm"), {"consent_version": 1})
    assert refused.status_code == 200, "the explicit « I agree » box is required"
    client.post(reverse("partners_interest_confirm"), {"consent_version": 1, "agree": "on"})
    declaration = InterestDeclaration.objects.get(user=student)
    assert declaration.status == InterestStatus.CONFIRMED and declaration.share_contact
    assert not declaration.share_message, "items are unticked unless the person ticks them"
    status = client.get(reverse("partners_interest"))
    assert "Reçu".encode() in status.content or b"Received" in status.content
    client.post(reverse("partners_interest_withdraw"))
    declaration.refresh_from_db()
    assert declaration.status == InterestStatus.WITHDRAWN


def test_bad_phone_is_refused_on_its_field(client, institution, make_user):
    client.force_login(make_user(Role.STUDENT))
    response = client.post(reverse("partners_interest"), {"institution": institution.pk, "phone": "<script>"})
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not InterestDeclaration.objects.exists()


def test_someone_of_another_institution_cannot_declare_here(institution, other_institution, make_user):
    outsider = make_user(Role.STUDENT, inst=other_institution)
    with pytest.raises(PartnersError):
        services.interest_save(user=outsider, institution=institution, scopes=["contact"])
