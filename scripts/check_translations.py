"""Fail when the French catalogue misses a message of the code or holds a fuzzy or empty entry.

Runs ``makemessages`` on a scratch copy of the catalogue so that the working tree is left untouched.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "parcours" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def main() -> int:
    if not PO.exists():
        print(f"{PO}: missing French catalogue", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp) / "django.po"
        shutil.copy2(PO, backup)
        try:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "makemessages",
                    "-l",
                    "fr",
                    "--no-obsolete",
                    "--no-location",
                    "-v0",
                ],
                cwd=ROOT / "parcours",
                check=True,
            )
            problems = []
            for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
                out = subprocess.run(
                    ["msgattrib", flag, "--no-wrap", str(PO)], capture_output=True, text=True, check=True
                )
                blocks = [
                    b for b in out.stdout.split("\n\n") if "msgid " in b and 'msgid ""\nmsgstr ""\n"' not in b
                ]
                problems += [
                    f"{label}: " + " ".join(b.split("msgid ", 1)[1].split("\nmsgstr")[0].split())
                    for b in blocks
                ]
        finally:
            shutil.copy2(backup, PO)
    if problems:
        print(f"{PO.relative_to(ROOT)}: {len(problems)} message(s) to translate:", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print("French catalogue complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
