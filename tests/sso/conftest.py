"""A real OpenID Connect provider on loopback for the SSO tests (django-oauth-toolkit in a subprocess).

The provider's RSA signing key is generated here; its users and clients are written to a JSON file that
the provider's settings read. No part of the protocol is mocked: the product talks HTTP to the provider
(discovery, token, userinfo, JWKS) and the test plays the browser between the two.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .factories import rsa_key_pem

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/sso/oidc/{slug}/login/callback/"

#: People known to the test provider, with the claims it asserts about them.
USERS = {
    "camille": {
        "password": "provider-pass-1",
        "claims": {
            "email": "camille.martin@ecole.test",
            "email_verified": True,
            "given_name": "Camille",
            "family_name": "Martin",
            "eduPersonAffiliation": ["member", "student"],
        },
    },
    "marc": {
        "password": "provider-pass-2",
        "claims": {
            "email": "Marc.Lefevre@ecole.test",
            "email_verified": True,
            "given_name": "Marc",
            "family_name": "Lefèvre",
            "eduPersonAffiliation": ["member", "faculty"],
        },
    },
    "alex": {
        "password": "provider-pass-3",
        "claims": {
            "email": "alex.durand@ecole.test",
            "email_verified": True,
            "given_name": "Alex",
            "family_name": "Durand",
            "eduPersonAffiliation": ["affiliate"],
        },
    },
    "mallory": {
        "password": "provider-pass-4",
        "claims": {
            "email": "mallory@elsewhere.test",
            "email_verified": True,
            "given_name": "Mallory",
            "family_name": "Martin",
            "eduPersonAffiliation": ["student"],
        },
    },
    # ProConnect: no email_verified, usual_name instead of family_name, the establishment's SIRET.
    "claire": {
        "password": "provider-pass-5",
        "claims": {
            "email": "claire.dubois@ecole.test",
            "given_name": "Claire",
            "usual_name": "Dubois",
            "uid": "agent-4021",
            "siret": "19300000000018",
            "belonging_population": "agent",
            "idp_id": "test-idp",
        },
    },
}

CLIENTS = {
    "school-oidc": {"client_id": "parcours-school", "client_secret": "school-client-secret"},
    "proconnect": {"client_id": "parcours-proconnect", "client_secret": "proconnect-client-secret"},
}


@dataclass(frozen=True)
class LoopbackProvider:
    base_url: str
    users: dict
    clients: dict

    def issuer(self, flavour: str = "o") -> str:
        return f"{self.base_url}/{flavour}"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc-provider")
    config = {
        "database": str(workdir / "provider.sqlite3"),
        "rsa_private_key": rsa_key_pem("oidc-provider"),
        "users": USERS,
        "clients": [
            {**client, "redirect_uris": [CALLBACK.format(slug=slug)]} for slug, client in CLIENTS.items()
        ],
    }
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider_settings",
        "SSO_TEST_PROVIDER_CONFIG": str(config_path),
        "PYTHONWARNINGS": "ignore",
    }
    stderr = (workdir / "stderr.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.provider_server"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        port = _read_port(process, timeout=60)
        if port is None:
            stderr.flush()
            pytest.fail(
                "The test OIDC provider did not start:\n" + (workdir / "stderr.log").read_text()[-3000:]
            )
        yield LoopbackProvider(base_url=f"http://127.0.0.1:{port}", users=USERS, clients=CLIENTS)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        stderr.close()


def _read_port(process: subprocess.Popen, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline().strip()
            if line.startswith("PORT "):
                return int(line.split()[1])
    return None
