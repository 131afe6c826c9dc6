"""Objects the permission matrix needs for the partnership URLs, created on first use in the matrix context."""

from __future__ import annotations

from parcours.accounts.enums import Role

from .factories import interested, referral_of, share_link

RESERVISTS = {Role.STUDENT, Role.STAFF}
REFERENTS = {Role.PARTNER_REFERENT}
REPORT_READERS = {Role.PARTNER_REFERENT, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR}


def _referral(ctx):
    if "partners_referral" not in ctx:
        declaration = interested(ctx["institution"], email="matrix-interested@example.org")
        ctx["partners_referral"] = referral_of(declaration)
    return ctx["partners_referral"]


def _link(ctx):
    if "partners_link" not in ctx:
        from tests.factories import user_with_role

        ctx["partners_link"] = share_link(
            user_with_role(Role.STUDENT, ctx["institution"], email="matrix-holder@example.org")
        )
    return ctx["partners_link"]


def _page(ctx):
    if "partners_page" not in ctx:
        from parcours.partners.models import InfoPage

        ctx["partners_page"] = InfoPage.objects.create(slug="matrix-page", title_fr="Page", body_fr="Texte")
    return ctx["partners_page"]


def referral(ctx):
    return {"pk": _referral(ctx).pk}


def referral_transition(ctx):
    return {"pk": _referral(ctx).pk, "name": "contact"}


def link_token(ctx):
    return {"token": _link(ctx).token}


def link_pk(ctx):
    return {"pk": _link(ctx).pk}


def page_slug(ctx):
    return {"slug": _page(ctx).slug}
