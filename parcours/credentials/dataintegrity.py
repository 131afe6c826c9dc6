"""Optional Data Integrity proof (eddsa-rdfc-2022) beside the VC-JWT, with openbadgeslib's [ldp] extra.

Enabled by ``CREDENTIALS_DATA_INTEGRITY``. JSON-LD contexts are resolved from the copies bundled with
openbadgeslib and with this app, never from the network.
"""

from __future__ import annotations

from typing import Any

from . import contexts, keys
from .compose import JWT_CLAIMS


class DataIntegrityUnavailable(RuntimeError):
    pass


def sign_data_integrity(issuer_key, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        import pyld  # noqa: F401
    except ImportError:
        raise DataIntegrityUnavailable(
            "CREDENTIALS_DATA_INTEGRITY is on but pyld is not installed (pip install 'openbadgeslib[ldp]')."
        ) from None
    from openbadgeslib.ob3 import add_data_integrity_proof

    document = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    signer = keys.signer_for(issuer_key)
    extra = {url: contexts.context(url) for url in contexts.CONTEXT_FILES}
    return add_data_integrity_proof(document, signer.privkey_pem, issuer_key.kid, extra_contexts=extra)
