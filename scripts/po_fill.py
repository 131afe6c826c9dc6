"""Fill empty entries of the French catalogue from a JSON file mapping English msgid -> French msgstr.

Usage: python scripts/po_fill.py TRANSLATIONS.json [--po PATH]
Entries already translated are left as they are; the msgids still missing are listed at the end.
"""

import argparse
import json
import re
import sys
from pathlib import Path

DEFAULT_PO = (
    Path(__file__).resolve().parent.parent / "parcours" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
)
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unquote(lines: list[str]) -> str:
    text = "".join(m.group(1) for line in lines for m in [QUOTED.search(line)] if m)
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(escapes.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    parts = escaped.split("\n")
    if len(parts) == 1:
        return f'"{escaped}"'
    pieces = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in pieces)


def _without_fuzzy(comments: list[str]) -> list[str]:
    """The comment lines of an entry once filled: without the ``fuzzy`` flag (the others, such as
    ``python-format``, stay: msgfmt checks the placeholders with them) nor the previous msgid (``#|``)."""
    kept = []
    for line in comments:
        if line.startswith("#| "):
            continue
        if line.startswith("#,"):
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() and flag.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        kept.append(line)
    return kept


def fill(po_text: str, translations: dict[str, str]) -> tuple[str, list[str]]:
    match = re.search(r"nplurals=(\d+)", po_text)
    nplurals = int(match.group(1)) if match else 2
    blocks = po_text.split("\n\n")
    missing = []
    for index, block in enumerate(blocks):
        lines = block.splitlines()
        try:
            id_start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
            str_start = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
        except StopIteration:
            continue
        plural_start = next((i for i, line in enumerate(lines) if line.startswith("msgid_plural")), None)
        if plural_start is not None:
            msgid = unquote(lines[id_start:plural_start])
            forms = [line for line in lines[str_start:] if line.startswith("msgstr[")]
            filled = len(forms) >= nplurals and all(not line.endswith('""') for line in forms)
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
            value = translations.get(msgid)
            if filled and not fuzzy:
                continue
            if isinstance(value, list) and len(value) == 2:
                # French catalogues may declare 2 or 3 forms (CLDR adds one for millions): the first is the
                # singular, every other form is the plural.
                head = _without_fuzzy(lines[:id_start])
                count = max(nplurals, len(forms))
                values = [value[0]] + [value[1]] * (count - 1)
                blocks[index] = "\n".join(
                    head
                    + lines[id_start:str_start]
                    + [f"msgstr[{n}] {quote(form)}" for n, form in enumerate(values)]
                )
            else:
                missing.append(msgid)
            continue
        msgid = unquote(lines[id_start:str_start])
        msgstr = unquote(lines[str_start:])
        if not msgid:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgstr and not fuzzy:
            continue
        if msgid in translations:
            head = _without_fuzzy(lines[:id_start])
            blocks[index] = "\n".join(
                head + lines[id_start:str_start] + ["msgstr " + quote(translations[msgid])]
            )
        else:
            missing.append(msgid)
    return "\n\n".join(blocks), missing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("translations")
    parser.add_argument("--po", default=str(DEFAULT_PO))
    args = parser.parse_args()
    translations = json.loads(Path(args.translations).read_text())
    po = Path(args.po)
    text, missing = fill(po.read_text(), translations)
    po.write_text(text)
    for msgid in missing:
        print("missing:", json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
