"""The referral workflow as a table: stages, allowed transitions, who may take them.

Received → contacted → application → joined, or not pursued at any open stage. A referral is closed by
the system only (consent withdrawn or expired); nobody can reopen it. Templates ask ``available_for``;
they never compare stage strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import ReferralStage as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    by_referent: bool = True
    style: str = "primary"


TRANSITIONS: tuple[Transition, ...] = (
    Transition("contact", _("Mark as contacted"), (S.NEW,), S.CONTACTED),
    Transition("apply", _("Application filed"), (S.CONTACTED,), S.APPLICATION),
    Transition("join", _("Joined the reserve"), (S.APPLICATION,), S.JOINED),
    Transition(
        "drop", _("Not pursued"), (S.NEW, S.CONTACTED, S.APPLICATION), S.NOT_PURSUED, style="secondary"
    ),
    Transition(
        "close",
        _("Close"),
        (S.NEW, S.CONTACTED, S.APPLICATION, S.JOINED, S.NOT_PURSUED),
        S.CLOSED,
        by_referent=False,
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}


def available_for(stage: str, *, referent: bool = True) -> list[Transition]:
    return [t for t in TRANSITIONS if stage in t.sources and (t.by_referent or not referent)]
