"""How a verdict is shown: DSFR alert type, a title and one plain sentence, for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.credentials.enums import Verdict


@dataclass(frozen=True)
class VerdictDisplay:
    alert: str
    title: str | Promise
    sentence: str | Promise


VERDICTS: dict[str, VerdictDisplay] = {
    Verdict.VALID: VerdictDisplay(
        "success",
        _("Valid credential"),
        _(
            "The signature is intact, the issuer is identified, the credential is neither revoked nor suspended "
            "and has not expired."
        ),
    ),
    Verdict.REVOKED: VerdictDisplay(
        "error",
        _("Revoked credential"),
        _("The issuer has withdrawn this credential: it no longer attests anything."),
    ),
    Verdict.SUSPENDED: VerdictDisplay(
        "warning",
        _("Suspended credential"),
        _("The issuer has suspended this credential for now: it does not attest anything while suspended."),
    ),
    Verdict.EXPIRED: VerdictDisplay(
        "warning", _("Expired credential"), _("This credential was valid but its validity period has ended.")
    ),
    Verdict.ALTERED: VerdictDisplay(
        "error",
        _("Altered credential"),
        _("The content does not match the issuer's signature: it was modified, damaged or forged."),
    ),
    Verdict.UNKNOWN_ISSUER: VerdictDisplay(
        "error",
        _("Unknown issuer"),
        _("The issuer of this credential cannot be identified, so its signature cannot be trusted."),
    ),
    Verdict.STATUS_UNKNOWN: VerdictDisplay(
        "warning",
        _("Status cannot be checked"),
        _(
            "The signature is intact, but the issuer's revocation list cannot be checked right now: do not rely on "
            "this credential until it can."
        ),
    ),
    Verdict.INVALID: VerdictDisplay(
        "error", _("Not a valid credential"), _("This is not a valid Open Badges 3.0 credential.")
    ),
    Verdict.UNSUPPORTED: VerdictDisplay(
        "info", _("Format not supported"), _("This credential uses a format this page cannot check yet.")
    ),
    Verdict.NOT_FOUND: VerdictDisplay(
        "error",
        _("Unknown credential"),
        _(
            "No credential is shared at this address: the link is wrong, or the holder has stopped sharing it."
        ),
    ),
}


def display(verdict: str) -> VerdictDisplay:
    return VERDICTS[verdict]


#: Open Badges 3.0 ``achievementType`` values the school issues, in the reader's language.
ACHIEVEMENT_TYPES: dict[str, str | Promise] = {
    "Competency": _("Competency"),
    "Course": _("Elective course"),
    "Award": _("Track award"),
}


def achievement_type_label(value: str) -> str | Promise:
    return ACHIEVEMENT_TYPES.get(value, value)
