"""Command line of the matching engine; works without Django settings.

    python -m parcours.matching evaluate --catalogue skills.csv.gz --queries q.jsonl.gz [--train q.jsonl.gz]
                                         [--method default|bm25|tfidf] [--json]
    python -m parcours.matching holdout  --catalogue skills.csv.gz --queries q.jsonl.gz [--level 1] [--json]
    python -m parcours.matching build    --catalogue skills.csv.gz [--train q.jsonl.gz] --out var/matching
    python -m parcours.matching suggest  "texte" (--catalogue skills.csv.gz [--train q.jsonl.gz] | --index DIR)
                                         [--top 10] [--json]

When ``--train`` names the same file as ``--queries``, ``evaluate`` runs 5-fold cross-validation.
Bad input files print a message naming the file, line and field on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from .engine import (
    DataFileError,
    EmptyQueryError,
    Engine,
    IndexFormatError,
    load_catalogue,
    load_occupation_aliases,
    load_queries,
)
from .engine.evaluation import METHODS, REPORT_KEYS, evaluate, examples_from_queries, group_holdout

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (DataFileError, EmptyQueryError, IndexFormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parcours.matching", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate_cmd = commands.add_parser("evaluate", help="measure ranking quality and speed")
    evaluate_cmd.add_argument("--catalogue", required=True, type=Path)
    evaluate_cmd.add_argument("--queries", required=True, type=Path)
    evaluate_cmd.add_argument("--train", type=Path, help="labelled queries to learn from")
    evaluate_cmd.add_argument("--method", choices=METHODS, default="default")
    evaluate_cmd.add_argument("--folds", type=int, default=5, help="folds when --train is --queries")
    evaluate_cmd.add_argument(
        "--occupations", type=Path, help="ESCO occupations CSV: alt labels of train texts"
    )
    evaluate_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate_cmd.set_defaults(handler=_evaluate)

    holdout_cmd = commands.add_parser("holdout", help="leave-one-ISCO-group-out evaluation")
    holdout_cmd.add_argument("--catalogue", required=True, type=Path)
    holdout_cmd.add_argument("--queries", required=True, type=Path)
    holdout_cmd.add_argument("--level", type=int, default=1, help="ISCO code digits defining a group")
    holdout_cmd.add_argument("--occupations", type=Path)
    holdout_cmd.add_argument("--json", action="store_true")
    holdout_cmd.set_defaults(handler=_holdout)

    build_cmd = commands.add_parser("build", help="build and save an index")
    build_cmd.add_argument("--catalogue", required=True, type=Path)
    build_cmd.add_argument("--train", type=Path)
    build_cmd.add_argument("--occupations", type=Path)
    build_cmd.add_argument("--out", required=True, type=Path)
    build_cmd.set_defaults(handler=_build)

    suggest_cmd = commands.add_parser("suggest", help="suggest items for a text")
    suggest_cmd.add_argument("text")
    source = suggest_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--catalogue", type=Path)
    source.add_argument("--index", type=Path, help="directory written by 'build'")
    suggest_cmd.add_argument("--train", type=Path)
    suggest_cmd.add_argument("--top", type=int, default=10)
    suggest_cmd.add_argument("--json", action="store_true")
    suggest_cmd.set_defaults(handler=_suggest)
    return parser


def _same_file(a: Path | None, b: Path) -> bool:
    if a is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _evaluate(args: argparse.Namespace) -> int:
    items = load_catalogue(args.catalogue)
    queries = load_queries(args.queries)
    cross_validate = _same_file(args.train, args.queries)
    train = None if cross_validate or args.train is None else load_queries(args.train)
    aliases = load_occupation_aliases(args.occupations) if args.occupations else None
    report, outcomes = evaluate(
        args.method,
        items,
        queries,
        train=train,
        cross_validate=cross_validate,
        folds=args.folds,
        aliases=aliases,
    )
    if args.json:
        print(json.dumps({k: report[k] for k in REPORT_KEYS}))
        return 0
    protocol = (
        f"{args.folds}-fold cross-validation" if cross_validate else ("trained" if train else "no training")
    )
    print(f"{args.method} on {args.queries.name} ({protocol})")
    for key in REPORT_KEYS[1:]:
        print(f"  {key:<16}{report[key]}")
    subsets = sorted({o.query.subset for o in outcomes if o.query.subset})
    if len(subsets) > 1:
        print("  R-precision by subset:")
        for subset in subsets:
            values = [o.rp for o in outcomes if o.query.subset == subset]
            print(f"    {subset:<22}{sum(values) / len(values):.4f}  (n={len(values)})")
    return 0


def _holdout(args: argparse.Namespace) -> int:
    items = load_catalogue(args.catalogue)
    queries = load_queries(args.queries)
    aliases = load_occupation_aliases(args.occupations) if args.occupations else None
    result = group_holdout(items, queries, level=args.level, aliases=aliases)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"leave-one-group-out (ISCO prefix of {args.level} digit(s)): rp={result['rp']} mrr={result['mrr']}"
    )
    for group, values in result["groups"].items():  # type: ignore[union-attr]
        print(f"  {group:<6} n={values['n']:<5} rp={values['rp']:<8} mrr={values['mrr']}")
    return 0


def _engine_from_files(catalogue: Path, train: Path | None, occupations: Path | None = None) -> Engine:
    items = load_catalogue(catalogue)
    aliases = load_occupation_aliases(occupations) if occupations else None
    examples = examples_from_queries(load_queries(train), aliases) if train else []
    return Engine.build(items, examples=examples)


def _build(args: argparse.Namespace) -> int:
    engine = _engine_from_files(args.catalogue, args.train, args.occupations)
    engine.save(args.out)
    print(json.dumps({"saved_to": str(args.out), **engine.stats()}))
    return 0


def _suggest(args: argparse.Namespace) -> int:
    engine = Engine.load(args.index) if args.index else _engine_from_files(args.catalogue, args.train)
    results = engine.search(args.text, top=args.top)
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False))
        return 0
    if not results:
        print("no item matches this text")
    for r in results:
        print(f"{r.rank:>2}. {r.score:.3f}  {r.label}  <{r.item_id}>")
        if r.explanation and r.explanation.summary():
            print(f"      {r.explanation.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
