"""Reads of the credentials app, scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from parcours.accounts.permissions import institutions_with_role

from .models import BatchIssuance, Credential
from .roles import CREDENTIAL_MANAGER_ROLES


def credentials_of_holder(user) -> QuerySet[Credential]:
    return (
        Credential.objects.for_holder(user)
        .current()
        .select_related("institution", "replaces")
        .order_by("-issued_at", "-id")
    )


def credential_of_holder(user, public_id) -> Credential:
    return get_object_or_404(
        Credential.objects.for_holder(user).select_related("institution"), public_id=public_id
    )


def managed_institutions(user):
    return institutions_with_role(user, *CREDENTIAL_MANAGER_ROLES)


def credentials_for_manager(user) -> QuerySet[Credential]:
    return Credential.objects.for_institutions(managed_institutions(user)).select_related(
        "holder", "institution"
    )


def credential_for_manager(user, public_id) -> Credential:
    return get_object_or_404(credentials_for_manager(user), public_id=public_id)


def public_credential(public_id) -> Credential | None:
    return (
        Credential.objects.select_related("holder", "institution", "replaces", "issuer_key")
        .filter(public_id=public_id)
        .first()
    )


def replacement_of(credential: Credential) -> Credential | None:
    return Credential.objects.filter(replaces=credential).first()


def batches_for_manager(user) -> QuerySet[BatchIssuance]:
    return BatchIssuance.objects.filter(institution__in=managed_institutions(user)).select_related(
        "institution"
    )


def batch_for_manager(user, batch_id: int) -> BatchIssuance:
    return get_object_or_404(batches_for_manager(user), pk=batch_id)
