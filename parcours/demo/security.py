"""Demo step: example identity providers (inactive: they need real client credentials to work).

They show the administrator what a ProConnect and a higher-education federation configuration look like
(admin site › Sign-in and security › Identity providers). Tick "offered on the sign-in page" once the
client is registered with the provider.
"""

from __future__ import annotations

from parcours.accounts.enums import Role
from parcours.accounts.models import Institution
from parcours.security.enums import Protocol
from parcours.security.models import IdentityProvider, InstitutionMapping, RoleMapping

from .accounts import MAIN_SLUG


def build(stdout) -> None:
    school = Institution.objects.get(slug=MAIN_SLUG)
    proconnect, _ = IdentityProvider.objects.update_or_create(
        slug="proconnect",
        defaults={
            "name": "ProConnect",
            "protocol": Protocol.OIDC,
            "is_active": False,
            "institution": None,
            "institution_attribute": "siret",
            "role_attribute": "belonging_population",
            "trust_email": True,
            "server_url": "https://fca.integ01.dev-agentconnect.fr/api/v2",
            "scopes": "openid email given_name usual_name siret uid belonging_population",
            "use_pkce": False,
        },
    )
    InstitutionMapping.objects.update_or_create(
        provider=proconnect, value="19300000000018", defaults={"institution": school}
    )
    RoleMapping.objects.get_or_create(provider=proconnect, value="agent", role=Role.STAFF)

    federation, _ = IdentityProvider.objects.update_or_create(
        slug="federation-demo",
        defaults={
            "name": "Compte de l'école (fédération Éducation-Recherche)",
            "protocol": Protocol.SAML,
            "is_active": False,
            "institution": school,
            "institution_attribute": "supannEtablissement",
            "role_attribute": "eduPersonAffiliation",
            "trust_email": True,
            "email_domains": "demo.example.org",
            "idp_entity_id": "https://idp.demo.example.org/idp/shibboleth",
            "idp_metadata_url": "https://metadata.federation.renater.fr/renater/main/main-idps-renater-metadata.xml",
        },
    )
    InstitutionMapping.objects.update_or_create(
        provider=federation, value="{UAI}0301234X", defaults={"institution": school}
    )
    for value, role in (("student", Role.STUDENT), ("staff", Role.STAFF), ("faculty", Role.TEACHER)):
        RoleMapping.objects.get_or_create(provider=federation, value=value, role=role)
    stdout.write("Identity providers: ProConnect and a SAML federation example (both inactive).")
