"""Benchmark of the credentials pipeline, with raw openbadgeslib figures measured in the same run.

    .venv/bin/python bench/credentials.py [--n 3000] [--batch 1000] [--output bench/results/credentials.json]

Runs on one core (CPU affinity), on a scratch SQLite database in a temporary directory. Reports, for each
measure, the wall-clock rate and the rate per CPU-second of this process (the latter is what a shared
machine does not distort much):

* compose + sign (ours, no database): AchievementSpec → OB 3.0 payload (openbadgeslib's model) → VC-JWT;
* verify (ours, no database): the same pipeline as the public page — signature, issuer, structure,
  validity dates, revocation and suspension lists (signed, checked by bit) — with keys and lists in memory;
  measured without and with the JSON-schema check (jsonschema, pure Python), on distinct credentials;
* verify (ours, database): ``verify_token`` on issued credentials, keys and lists read from the database;
* batch of N credentials for a cohort, database included (the same code path as the batch page and task);
* openbadgeslib alone: ``OB3Signer.sign`` and ``OB3Verifier.verify`` (with and without its status check).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"compose_sign_per_s": 2000, "verify_per_s": 1500, "batch_1000_seconds": 10}


def setup_django(workdir: Path) -> None:
    os.environ["VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("CREDENTIALS_KEY_PASSPHRASE", "bench-only-passphrase")
    os.environ["CREDENTIALS_REQUIRE_ISSUER_KEY"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.urls import reverse

    reverse("home")  # load the URL configuration (and the API schemas) as a running worker has


def measure(name: str, n: int, run) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = {
        "n": n,
        "seconds_wall": round(wall, 4),
        "seconds_cpu": round(cpu, 4),
        "per_s_wall": round(n / wall, 1) if wall else None,
        "per_s_cpu": round(n / cpu, 1) if cpu else None,
    }
    print(
        f"{name:<46} {result['per_s_wall']:>9}/s wall  {result['per_s_cpu']:>9}/s cpu  ({n} in {wall:.2f} s)"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="credentials per in-memory measure")
    parser.add_argument("--batch", type=int, default=1000, help="credentials in the database batch")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "credentials.json"))
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        setup_django(Path(tmp))
        results = run(args)
    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus_visible": os.cpu_count(),
        "pinned_to_one_core": hasattr(os, "sched_setaffinity"),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {args.output}")
    return 0


def run(args) -> dict:
    from importlib.metadata import version

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.utils import timezone
    from openbadgeslib.ob3 import OB3Signer, OB3Verifier, build_status_list_credential

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Cohort, Institution, Membership, Programme, User
    from parcours.credentials.batches import BatchItem, batch_create, register_batch_source
    from parcours.credentials.compose import AchievementSpec, IssuerContext, StatusEntry, compose
    from parcours.credentials.enums import AchievementKind, BatchStatus, Verdict
    from parcours.credentials.keys import KeyedSigner, did_key_identifiers, public_pem_of
    from parcours.credentials.models import BatchIssuance, Credential
    from parcours.credentials.verification import CredentialVerifier, ResolvedKey, verify_token

    n = args.n
    results: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            p: version(p) for p in ("openbadgeslib", "pyjwt", "cryptography", "jsonschema", "django")
        },
        "targets": TARGETS,
    }

    # ── in memory: one issuer key, distinct achievements ────────────────────
    private_key = Ed25519PrivateKey.generate()
    pem = public_pem_of(private_key)
    did, kid = did_key_identifiers(pem)
    issuer = IssuerContext(
        issuer_id=did,
        name="École (bench)",
        url="https://ecole.example.org",
        kid=kid,
        base_url="https://parcours.example.org",
        institution_slug="bench",
    )
    specs = [
        AchievementSpec(
            key=f"competency:C{i % 40}.{i}",
            kind=AchievementKind.COMPETENCY,
            name_fr=f"Compétence {i}",
            name_en=f"Competency {i}",
            description_fr="Mobiliser une équipe et décider dans l'urgence.",
            criteria_fr="Validé par le jury.",
            level_label="Niveau 2 — Maîtrise",
            level_rank=2,
            ects=3,
            framework_alignments=[
                {
                    "target_url": f"https://ecole.example.org/ref/C{i}",
                    "target_name": f"C{i}",
                    "target_code": f"C{i}",
                    "framework_name": "Référentiel 2026",
                }
            ],
            esco_uris=["http://data.europa.eu/esco/skill/f780a6ad-b01e-4c35-9746-af8fc0c5ad06"],
        )
        for i in range(n)
    ]
    list_urls = {
        p: f"https://parcours.example.org/credentials/status/{p}" for p in ("revocation", "suspension")
    }
    signer = KeyedSigner(private_key, kid)
    now = timezone.now().replace(microsecond=0)
    tokens: list[str] = []

    def compose_and_sign():
        for i, spec in enumerate(specs):
            payload = compose(
                issuer=issuer,
                spec=spec,
                credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                recipient_email=f"etudiant{i}@example.org",
                recipient_salt=f"{i:032x}",
                issued_at=now,
                status=[StatusEntry("revocation", list_urls["revocation"], i)],
            )
            tokens.append(signer.sign_payload(payload))

    results["ours_compose_sign_no_db"] = measure("ours: compose + sign (no database)", n, compose_and_sign)

    lists = {}
    for purpose, url in list_urls.items():
        document = build_status_list_credential(did, url, purpose, [1, 5, 9], issued=now)
        lists[url] = signer.sign_payload(
            {**document, "iss": did, "jti": url, "nbf": int(now.timestamp())}
        ).encode()
    suspension = {
        "id": f"{list_urls['suspension']}#0",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "0",
        "statusListCredential": list_urls["suspension"],
    }

    class InMemoryVerifier(CredentialVerifier):
        """The page's pipeline with the key and the status lists in memory (no database, no network)."""

        def resolve_key(self, issuer_id, kid):
            return ResolvedKey(pem, True, pem)

        def local_credential(self, payload, issuer_id):
            return None

        def check_status(self, payload, extra, resolved, issuer_id, when):
            return super().check_status(payload, [suspension], resolved, issuer_id, when)

    class WithoutSchema(InMemoryVerifier):
        def schema_errors(self, document, token):
            return []

    fetch = lists.__getitem__
    verdicts: list = []

    def verify_all(verifier_class):
        def go():
            verdicts.clear()
            for token in tokens:
                verdicts.append(verifier_class(fetch).verify(token).verdict)

        return go

    results["ours_verify_no_db"] = measure(
        "ours: verify (no database, no JSON schema)", n, verify_all(WithoutSchema)
    )
    assert verdicts.count(Verdict.VALID) == n - 3 and verdicts.count(Verdict.REVOKED) == 3, set(verdicts)
    results["ours_verify_no_db_with_schema"] = measure(
        "ours: verify (no database, with JSON schema)", n, verify_all(InMemoryVerifier)
    )
    assert verdicts.count(Verdict.VALID) == n - 3

    # ── openbadgeslib alone, same key, same machine, same run ───────────────
    from openbadgeslib.ob3 import Achievement, Issuer, OpenBadgeCredential

    raw_signer = OB3Signer(private_key, algorithm="EdDSA")
    raw_credentials = [
        OpenBadgeCredential(
            issuer=Issuer(id=did, name="École (bench)"),
            recipient_id=f"mailto:etudiant{i}@example.org",
            achievement=Achievement(
                id=f"https://ecole.example.org/a/{i}",
                name=f"Compétence {i}",
                description="Mobiliser une équipe.",
                criteria_narrative="Validé par le jury.",
            ),
        )
        for i in range(n)
    ]
    raw_tokens: list[str] = []
    results["openbadgeslib_sign"] = measure(
        "openbadgeslib: OB3Signer.sign",
        n,
        lambda: raw_tokens.extend(raw_signer.sign(c) for c in raw_credentials),
    )
    raw_verifier = OB3Verifier(pubkey_pem=pem)
    results["openbadgeslib_verify"] = measure(
        "openbadgeslib: OB3Verifier.verify", n, lambda: [raw_verifier.verify(t) for t in raw_tokens]
    )
    results["openbadgeslib_verify_ours_with_status"] = measure(
        "openbadgeslib: verify our tokens + status list",
        n - 10,
        lambda: [
            raw_verifier.verify(t, check_status=True, download=fetch) for t in tokens[10:]
        ],  # 1, 5, 9 revoked
    )

    # ── database: a cohort batch, then verification from the database ──────
    institution = Institution.objects.create(slug="bench", name="École (bench)")
    programme = Programme.objects.create(institution=institution, code="ING", name_fr="Ingénieur")
    cohort = Cohort.objects.create(
        programme=programme, code="ING1", label="Promotion bench", academic_year=2026
    )
    per_student = 5
    students = User.objects.bulk_create(
        User(email=f"etudiant{i}@bench.example.org") for i in range(max(1, args.batch // per_student))
    )
    Membership.objects.bulk_create(
        Membership(user=u, institution=institution, role=Role.STUDENT, cohort=cohort) for u in students
    )
    from parcours.credentials.issuers import issuer_init

    issuer_init(institution=institution)

    def produce(inst, chosen):
        for s, student in enumerate(students):
            for k in range(per_student):
                yield BatchItem(
                    student, specs[(s * per_student + k) % len(specs)], "bench.cohort", str(chosen.pk)
                )

    register_batch_source("bench.cohort", "Bench cohort", produce)
    batch_size = len(students) * per_student
    results["ours_batch_with_db"] = measure(
        f"ours: batch of {batch_size} for a cohort (database)",
        batch_size,
        lambda: batch_create(institution=institution, source="bench.cohort", cohort=cohort),
    )
    batch = BatchIssuance.objects.get()
    assert batch.status == BatchStatus.DONE and batch.issued == batch_size, (batch.status, batch.errors)
    issued = list(Credential.objects.values_list("token", flat=True))
    results["ours_verify_with_db"] = measure(
        "ours: verify_token (database, JSON schema)",
        len(issued),
        lambda: [verify_token(t) for t in issued],
    )

    headline = {
        "compose_sign_per_s_cpu": results["ours_compose_sign_no_db"]["per_s_cpu"],
        "verify_per_s_cpu": results["ours_verify_no_db"]["per_s_cpu"],
        "verify_with_schema_per_s_cpu": results["ours_verify_no_db_with_schema"]["per_s_cpu"],
        "verify_with_db_per_s_cpu": results["ours_verify_with_db"]["per_s_cpu"],
        "batch_seconds_wall": results["ours_batch_with_db"]["seconds_wall"],
        "batch_size": batch_size,
    }
    headline["meets"] = {
        "compose_sign": headline["compose_sign_per_s_cpu"] >= TARGETS["compose_sign_per_s"],
        "verify": headline["verify_per_s_cpu"] >= TARGETS["verify_per_s"],
        "batch": headline["batch_seconds_wall"] <= TARGETS["batch_1000_seconds"] * batch_size / 1000,
    }
    results["headline"] = headline
    return results


if __name__ == "__main__":
    sys.exit(main())
