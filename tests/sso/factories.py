"""Identity providers for tests, and the key material of a test SAML identity provider."""

from __future__ import annotations

import datetime as dt
from functools import cache

import factory
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from parcours.security.enums import Protocol
from parcours.security.models import IdentityProvider, InstitutionMapping, RoleMapping


@cache
def rsa_key_pem(name: str = "default") -> str:
    """An RSA private key (PKCS#8 PEM), generated once per name per test session."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@cache
def self_signed_cert_pem(name: str = "default", common_name: str = "idp.test.example") -> str:
    key = serialization.load_pem_private_key(rsa_key_pem(name).encode(), password=None)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class IdentityProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityProvider
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"idp-{n}")
    name = factory.Sequence(lambda n: f"Fournisseur {n}")
    protocol = Protocol.OIDC
    server_url = "http://127.0.0.1:9/o"
    client_id = factory.Sequence(lambda n: f"client-{n}")
    client_secret = "not-a-real-secret"  # noqa: S105

    class Params:
        saml = factory.Trait(
            protocol=Protocol.SAML,
            server_url="",
            client_id="",
            client_secret="",
            idp_entity_id=factory.LazyAttribute(lambda o: f"https://idp.test.example/{o.slug}"),
            idp_sso_url="https://idp.test.example/sso",
            idp_x509cert=factory.LazyFunction(lambda: self_signed_cert_pem("saml-idp")),
            trust_email=True,
        )


def map_roles(provider: IdentityProvider, **values: str) -> None:
    for value, role in values.items():
        RoleMapping.objects.create(provider=provider, value=value, role=role)


def map_institution(provider: IdentityProvider, value: str, institution) -> None:
    InstitutionMapping.objects.create(provider=provider, value=value, institution=institution)


def matrix_oidc_kwargs(ctx) -> dict:
    provider = IdentityProviderFactory(slug="matrix-oidc", institution=ctx["institution"])
    return {"provider_id": provider.slug}


def matrix_saml_kwargs(ctx) -> dict:
    provider = IdentityProviderFactory(slug="matrix-saml", saml=True, institution=ctx["institution"])
    return {"organization_slug": provider.slug}
