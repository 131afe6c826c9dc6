"""A minimal SAML 2 identity provider for tests: reads the AuthnRequest the product sends, and answers
with a Response whose Assertion is signed (RSA-SHA256, xmlsec through python3-saml) by the IdP key.

Attributes travel the way the French higher-education federation (Renater, eduGAIN) sends them: URI
names (OIDs) with a FriendlyName.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import zlib
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from .factories import rsa_key_pem, self_signed_cert_pem

OIDS = {
    "eduPersonPrincipalName": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "eduPersonAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    "mail": "urn:oid:0.9.2342.19200300.100.1.3",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
    "supannEtablissement": "urn:oid:1.3.6.1.4.1.7135.1.2.1.14",
}


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_authn_request(redirect_url: str) -> dict:
    """The ID, destination and ACS of the AuthnRequest carried by an HTTP-Redirect binding URL."""
    query = parse_qs(urlsplit(redirect_url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    root = etree.fromstring(xml)  # noqa: S320  (our own request, in a test)
    issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    return {
        "id": root.get("ID"),
        "destination": root.get("Destination"),
        "acs": root.get("AssertionConsumerServiceURL"),
        "sp_entity_id": issuer.text if issuer is not None else "",
        "relay_state": query.get("RelayState", [""])[0],
    }


def signed_response(
    *,
    request: dict | None,
    idp_entity_id: str,
    acs_url: str,
    sp_entity_id: str,
    attributes: dict[str, list[str]],
    key_name: str = "saml-idp",
    valid_for: dt.timedelta = dt.timedelta(minutes=5),
    tamper: dict[str, str] | None = None,
) -> str:
    """A base64 SAMLResponse. ``request=None`` makes it unsolicited (IdP-initiated); ``tamper`` replaces
    text in the XML after signing."""
    now = dt.datetime.now(dt.UTC)
    later = now + valid_for
    in_response_to = f" InResponseTo={quoteattr(request['id'])}" if request else ""
    attribute_xml = "".join(
        f'<saml:Attribute Name="{OIDS.get(name, name)}" FriendlyName="{name}" '
        f'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
        + "".join(
            f'<saml:AttributeValue xsi:type="xs:string">{escape(v)}</saml:AttributeValue>' for v in values
        )
        + "</saml:Attribute>"
        for name, values in attributes.items()
    )
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 ID="_a{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}">
<saml:Issuer>{escape(idp_entity_id)}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" SPNameQualifier={quoteattr(sp_entity_id)}>_t{secrets.token_hex(8)}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{_instant(later)}" Recipient={quoteattr(acs_url)}{in_response_to}/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{_instant(now - dt.timedelta(minutes=1))}" NotOnOrAfter="{_instant(later)}">
<saml:AudienceRestriction><saml:Audience>{escape(sp_entity_id)}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s{secrets.token_hex(8)}">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>
</saml:Assertion>"""
    signed = OneLogin_Saml2_Utils.add_sign(
        assertion,
        rsa_key_pem(key_name),
        self_signed_cert_pem(key_name),
        sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
        digest_algorithm=OneLogin_Saml2_Constants.SHA256,
    )
    signed = signed.decode() if isinstance(signed, bytes) else signed
    signed = signed.replace('<?xml version="1.0"?>', "").strip()
    response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{secrets.token_hex(16)}" Version="2.0"
 IssueInstant="{_instant(now)}" Destination={quoteattr(acs_url)}{in_response_to}>
<saml:Issuer>{escape(idp_entity_id)}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{signed}
</samlp:Response>"""
    for old, new in (tamper or {}).items():
        assert old in response, old
        response = response.replace(old, new)
    return base64.b64encode(response.encode()).decode()
