"""Behaviour of the matching engine on a small catalogue (no database, no Django)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from parcours.matching.engine import (
    DataFileError,
    EmptyQueryError,
    Engine,
    EngineConfig,
    Example,
    SemanticModelUnavailable,
    load_catalogue,
    load_queries,
    read_lexicon,
)
from parcours.matching.engine.evaluation import examples_from_queries
from parcours.matching.engine.text import Normaliser

DATA = Path(__file__).parent / "data"
CATALOGUE = DATA / "catalogue.csv"
QUERIES = DATA / "queries.jsonl"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def items():
    return load_catalogue(CATALOGUE)


@pytest.fixture(scope="module")
def bare_engine(items):
    return Engine.build(items)


def rank_of(engine: Engine, text: str, item_id: str) -> int:
    ids = [r.item_id for r in engine.search(text, top=100, explain=False)]
    return ids.index(item_id) + 1 if item_id in ids else len(ids) + 1


def test_engine_package_imports_no_django():
    code = (
        "import sys, pkgutil, importlib, parcours.matching.engine as e\n"
        "for m in pkgutil.iter_modules(e.__path__): importlib.import_module(f'parcours.matching.engine.{m.name}')\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    for source in (ROOT / "parcours/matching/engine").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, source


def test_accents_elisions_and_plurals_are_normalised():
    normaliser = Normaliser()
    normaliser.learn_vocabulary(["sécurité des équipes"])
    assert normaliser.tokens("Sécurité") == normaliser.tokens("securite") == normaliser.tokens("SÉCURITÉ")
    assert normaliser.tokens("d’équipe") == normaliser.tokens("les équipes") == normaliser.tokens("equipe")
    assert normaliser.tokens("le chef et la cheffe de l'unité") == ["chef", "cheff", "unit"]


def test_lexicon_acronym_finds_military_preparation(bare_engine):
    results = bare_engine.search("J'ai fait ma PMI cet été", top=3)
    assert results[0].item_id == "urn:test:skill:prep-mil"
    assert any(e.startswith("PMI →") for e in results[0].explanation.expansions)


def test_lexicon_expands_reserve_phrases(bare_engine):
    results = bare_engine.search("chef d'équipe pendant l'opération Sentinelle", top=5)
    ids = [r.item_id for r in results]
    assert "urn:test:skill:team-lead" in ids[:2]
    assert "urn:test:skill:surveillance" in ids


def test_learning_from_an_example_moves_the_item_up(items, bare_engine):
    text = "Instructeur au centre de formation des réservistes"
    before = rank_of(bare_engine, text, "urn:test:skill:fitness")
    engine = bare_engine.with_examples([])
    engine.add_examples(
        [Example("Instructeur au centre de formation", ("urn:test:skill:fitness",), id="ex1")]
    )
    after = rank_of(engine, text, "urn:test:skill:fitness")
    assert after == 1 < before
    top = engine.search(text, top=1)[0]
    assert top.explanation.similar_examples[0].id == "ex1"


def test_rejected_suggestion_moves_the_item_down(bare_engine):
    text = "Chef de groupe lors d'une patrouille de surveillance"
    similar = "Chef de groupe pendant une patrouille de surveillance du site"
    before = rank_of(bare_engine, text, "urn:test:skill:surveillance")
    before_similar = rank_of(bare_engine, similar, "urn:test:skill:surveillance")
    engine = bare_engine.with_examples([])
    engine.add_examples(
        [
            Example(
                text,
                ("urn:test:skill:team-lead",),
                rejected_ids=("urn:test:skill:surveillance",),
                id="review",
            )
        ]
    )
    assert before <= 2 and before_similar <= 2
    assert rank_of(engine, text, "urn:test:skill:surveillance") > before + 3
    assert rank_of(engine, similar, "urn:test:skill:surveillance") > before_similar + 3


def test_adding_examples_keeps_the_catalogue_index(bare_engine):
    engine = bare_engine.with_examples([])
    direct = engine.catalogue.direct
    engine.add_examples([Example("boulanger", ("urn:test:skill:bread",))])
    assert engine.catalogue.direct is direct
    assert len(engine.examples) == 1


def test_save_and_load_round_trip(tmp_path, items):
    examples = examples_from_queries(load_queries(QUERIES))
    engine = Engine.build(items, examples=examples, config=EngineConfig(min_examples_for_ranker=5))
    assert engine.ranker is not None
    engine.save(tmp_path / "index")
    started = time.perf_counter()
    loaded = Engine.load(tmp_path / "index")
    assert time.perf_counter() - started < 3
    for text in ("soldat en patrouille", "PSE1 et secourisme", "boulangerie"):
        assert [(r.item_id, round(r.score, 6)) for r in loaded.search(text)] == [
            (r.item_id, round(r.score, 6)) for r in engine.search(text)
        ]
    assert loaded.stats()["examples"] == len(examples)


def test_empty_query_is_refused(bare_engine):
    for text in ("", "   \n\t"):
        with pytest.raises(EmptyQueryError, match="empty"):
            bare_engine.search(text)
    assert issubclass(EmptyQueryError, ValueError)


def test_very_long_text_is_cut_and_fast(bare_engine):
    text = "Chef d'équipe pendant une patrouille, premiers secours et compte rendu. " * 1500
    assert len(text) > 100_000
    started = time.perf_counter()
    results = bare_engine.search(text)
    assert time.perf_counter() - started < 1.0
    assert results


def test_english_and_odd_texts_do_not_crash(bare_engine):
    assert bare_engine.search("teamwork, first aid and project management", top=5)
    assert bare_engine.search("!!! ??? 1234", top=5) == []
    assert bare_engine.search("the of and", top=5) == []


def test_missing_catalogue_column_names_file_line_and_field(tmp_path):
    bad = tmp_path / "skills.csv"
    bad.write_text("uri,label\nurn:a,gérer\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_catalogue(bad)
    assert "skills.csv, line 1" in str(caught.value) and "label_fr" in str(caught.value)


def test_empty_catalogue_value_names_line(tmp_path):
    bad = tmp_path / "skills.csv"
    bad.write_text("uri,label_fr\nurn:a,gérer\nurn:b,\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line 3: field 'label_fr'"):
        load_catalogue(bad)


def test_bad_queries_name_line_and_field(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text(
        '{"id": "a", "query": "x", "gold_essential": ["u"]}\n{"id": "b", "query": \n', encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"q.jsonl, line 2: malformed JSON"):
        load_queries(bad)
    bad.write_text('{"id": "a", "query": "x", "gold_essential": ["u"]}\n{"id": "b", "query": "y"}\n')
    with pytest.raises(DataFileError, match=r"line 2: field 'gold_essential'"):
        load_queries(bad)


def test_lexicon_file_is_documented_data(tmp_path):
    entries = read_lexicon()
    terms = {e.term for e in entries}
    assert {"PMI", "PMP", "FMIR", "SST", "PSC1", "PSE1", "Sentinelle", "OPEX", "MCO"} <= terms
    bad = tmp_path / "lexicon.tsv"
    bad.write_text("# comment\nPMI\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 2"):
        read_lexicon(bad)


def test_semantic_model_is_optional(items):
    with pytest.raises(SemanticModelUnavailable):
        Engine.build(items, config=EngineConfig(semantic_model="/nonexistent/model"))
