"""Issuer key material: generation, encryption at rest and in-memory signers.

The private key of an issuer never leaves this module in clear. It is stored as
``PRK1 | salt (16) | nonce (12) | AES-256-GCM(raw Ed25519 key, aad=kid)`` where the AES key is derived with
scrypt from ``CREDENTIALS_KEY_PASSPHRASE`` and the salt. Binding the ciphertext to the ``kid`` stops a
database writer from swapping one issuer's key blob for another's. A debug or test process without a
passphrase derives one from ``SECRET_KEY`` (demo convenience, refused when ``DEBUG`` is off).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from openbadgeslib.errors import ErrorSigningFile
from openbadgeslib.keys import public_jwk_from_pem
from openbadgeslib.ob3 import OB3Signer, did_key_from_pem

MAGIC = b"PRK1"
SCRYPT_N = 2**14


class KeyUnavailable(Exception):
    """The issuer's private key cannot be used (missing, destroyed, or the passphrase is wrong)."""


def _passphrase() -> bytes:
    value = settings.CREDENTIALS.get("KEY_PASSPHRASE", "")
    if value:
        return value.encode()
    if settings.DEBUG or getattr(settings, "TESTING", False):
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"parcours.credentials.issuer-key")
        return hkdf.derive(settings.SECRET_KEY.encode())
    raise KeyUnavailable(
        "CREDENTIALS_KEY_PASSPHRASE is not set: the issuer's private key cannot be encrypted or decrypted."
    )


_kek_cache: dict[tuple[str, bytes], bytes] = {}


def _kek(salt: bytes) -> bytes:
    passphrase = _passphrase()
    cache_key = (hashlib.sha256(passphrase).hexdigest(), salt)
    if cache_key not in _kek_cache:
        _kek_cache[cache_key] = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1).derive(passphrase)
    return _kek_cache[cache_key]


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def encrypt_private_key(private_key: Ed25519PrivateKey, kid: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = private_key.private_bytes_raw()
    return MAGIC + salt + nonce + AESGCM(_kek(salt)).encrypt(nonce, raw, kid.encode())


def decrypt_private_key(blob: bytes | memoryview | None, kid: str) -> Ed25519PrivateKey:
    if blob is None:
        raise KeyUnavailable(f"The private key {kid} was destroyed at rotation: it can no longer sign.")
    data = bytes(blob)
    if not data.startswith(MAGIC) or len(data) < 4 + 16 + 12 + 16:
        raise KeyUnavailable(f"The stored private key {kid} is not in a known format.")
    salt, nonce, ciphertext = data[4:20], data[20:32], data[32:]
    try:
        raw = AESGCM(_kek(salt)).decrypt(nonce, ciphertext, kid.encode())
    except InvalidTag:
        raise KeyUnavailable(
            f"The private key {kid} cannot be decrypted: CREDENTIALS_KEY_PASSPHRASE is not the one it was "
            "encrypted with."
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_pem_of(private_key: Ed25519PrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_jwk_of(public_pem: str) -> dict[str, Any]:
    return public_jwk_from_pem(public_pem)


# ── identifiers ─────────────────────────────────────────────────────────────


def web_did_base(site_url: str) -> str:
    """``did:web:<host>`` for an HTTPS site URL, ``""`` otherwise (the demo on 127.0.0.1 uses did:key)."""
    parts = urlsplit(site_url)
    if parts.scheme != "https" or not parts.hostname:
        return ""
    authority = parts.hostname + (f":{parts.port}" if parts.port else "")
    return "did:web:" + quote(authority, safe="")


def did_key_identifiers(public_pem: str) -> tuple[str, str]:
    """(issuer DID, kid) of a did:key issuer: the key is the identifier."""
    did = did_key_from_pem(public_pem)
    return did, f"{did}#{did.removeprefix('did:key:')}"


def web_kid(did: str) -> str:
    return f"{did}#key-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


# ── signers ─────────────────────────────────────────────────────────────────


class KeyedSigner(OB3Signer):
    """openbadgeslib's VC-JWT signer, with the ``kid`` of the issuer key in the JOSE header.

    The header keeps the library's embedded public ``jwk`` and adds ``kid`` (the DID URL of the verification
    method), so that a verifier resolving a did:web document picks the right key after a rotation.
    """

    def __init__(self, private_key: Ed25519PrivateKey, kid: str) -> None:
        super().__init__(private_key, algorithm="EdDSA")
        self._privkey_obj = private_key
        self.kid = kid

    def sign_payload(self, payload: dict[str, Any]) -> str:
        headers = {"kid": self.kid, "jwk": self._public_jwk()}
        try:
            return jwt.encode(payload, self._privkey_obj, algorithm="EdDSA", headers=headers)
        except jwt.exceptions.PyJWTError as exc:
            raise ErrorSigningFile(f"Could not sign credential: {exc}") from exc

    def __repr__(self) -> str:  # never print key material
        return f"<KeyedSigner {self.kid}>"


_signers: dict[str, KeyedSigner] = {}
_lock = threading.Lock()


def signer_for(issuer_key) -> KeyedSigner:
    """The in-memory signer of ``issuer_key`` (decrypted once per process)."""
    signer = _signers.get(issuer_key.kid)
    if signer is None:
        private_key = decrypt_private_key(issuer_key.encrypted_private_key, issuer_key.kid)
        signer = KeyedSigner(private_key, issuer_key.kid)
        with _lock:
            _signers[issuer_key.kid] = signer
    return signer


def forget_signer(kid: str) -> None:
    with _lock:
        _signers.pop(kid, None)
