"""PDF documents: render time of the attestation (target ≤ 0.3 s per document), the other kinds, and the
full generation (render + store + database + audit). Writes bench/results/documents.json.

Wall time depends on what else runs on the machine (the load average is recorded); CPU time does not.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from pathlib import Path

from djangoenv import machine, setup

RUNS = 30
TARGET_S = 0.3


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timings(function, runs: int) -> dict:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "runs": runs,
        "wall_p50_s": round(statistics.median(walls), 3),
        "wall_p95_s": round(percentile(walls, 0.95), 3),
        "cpu_mean_s": round(statistics.fmean(cpus), 3),
    }


def main() -> None:
    setup("documents")
    from parcours.accounts.models import Institution, User
    from parcours.documents import registry
    from parcours.documents.rendering import render_pdf
    from parcours.documents.samples import SAMPLES, sample_context
    from parcours.documents.services import document_generate

    results: dict = {"kinds": {}}
    public_id = uuid.uuid4()
    url = f"https://parcours.example.org/verify/document/{public_id}"

    first = time.perf_counter()
    attestation = registry.get("recognition_attestation")
    ctx = attestation.clean(sample_context("recognition_attestation"), language="fr")
    pdf = render_pdf(attestation, ctx, language="fr", public_id=public_id, verify_url=url)
    results["first_render_s"] = round(time.perf_counter() - first, 3)  # imports, fonts, stylesheets

    for kind in sorted(SAMPLES):  # the kinds of the documents app (other apps bench their own)
        doc_type = registry.get(kind)
        for language in ("fr", "en"):
            ctx = doc_type.clean(sample_context(kind), language=language)

            def render(doc_type=doc_type, ctx=ctx, language=language):
                return render_pdf(doc_type, ctx, language=language, public_id=public_id, verify_url=url)

            pdf = render()
            runs = RUNS if kind == "recognition_attestation" else RUNS // 3
            results["kinds"][f"{kind}.{language}"] = {**timings(render, runs), "pdf_bytes": len(pdf)}

    institution = Institution.objects.create(
        slug="bench-documents", name="École du banc d'essai", city="Alès"
    )
    holder = User.objects.create_user(
        "camille@bench.example.org", "x", first_name="Camille", last_name="Dupont"
    )
    counter = iter(range(10**6))

    def generate():
        document_generate(
            kind="recognition_attestation",
            institution_id=institution.pk,
            holder_id=holder.pk,
            source_type="bench",
            source_id=str(next(counter)),
            context=sample_context("recognition_attestation"),
            language="fr",
        )

    results["generate_attestation"] = timings(generate, RUNS // 2)
    attestation_fr = results["kinds"]["recognition_attestation.fr"]
    results["target"] = {"attestation_render_s": TARGET_S}
    results["meets_target"] = {
        "wall_p50": attestation_fr["wall_p50_s"] <= TARGET_S,
        "cpu_mean": attestation_fr["cpu_mean_s"] <= TARGET_S,
    }
    results["load_average_1min"] = round(os.getloadavg()[0], 2)
    results["machine"] = machine()
    results["date"] = time.strftime("%Y-%m-%d %H:%M")

    out = Path(__file__).resolve().parent / "results" / "documents.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
