"""List what each gettext catalogue lacks compared with English, and add translations.

    python scripts/check_catalogues.py                 # missing / extra / wrong-placeholder ids
    python scripts/check_catalogues.py --todo es       # es's missing ids as "id<TAB>English" lines
    python scripts/check_catalogues.py --add es FILE   # append "id<TAB>translation" lines to es

Exit status 1 when any catalogue is incomplete, so it can gate a release. Translations added
with --add go into the same domain file (locales/<lang>/LC_MESSAGES/<domain>.po) as the
English message; "\\n" in a line stands for a newline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import locales  # noqa: E402
from core.i18n import SUPPORTED_LANGUAGES, placeholders  # noqa: E402


def domains(language: str) -> dict[str, dict[str, str]]:
    return {path.stem: locales.read_domain(path) for path in locales.po_files(language)}


def merged(language: str) -> dict[str, str]:
    return {key: text for ids in domains(language).values() for key, text in ids.items()}


def problems(language: str, english: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(missing ids, ids English lacks, ids whose placeholders differ from English)."""
    own = merged(language)
    missing = sorted(set(english) - set(own))
    extra = sorted(set(own) - set(english))
    wrong = sorted(k for k in own if k in english and placeholders(own[k]) != placeholders(english[k]))
    return missing, extra, wrong


def report() -> int:
    english = merged("en")
    incomplete = 0
    for language in SUPPORTED_LANGUAGES:
        if language == "en":
            continue
        missing, extra, wrong = problems(language, english)
        incomplete += bool(missing or extra or wrong)
        status = "ok" if not (missing or extra or wrong) else (
            f"{len(missing)} missing, {len(extra)} not in English, {len(wrong)} with other placeholders")
        print(f"{language:8} {status}")
        for label, ids in (("missing", missing), ("not in English", extra), ("placeholders differ", wrong)):
            for key in ids:
                print(f"    {label}: {key}")
    return 1 if incomplete else 0


def todo(language: str) -> None:
    english = merged("en")
    for key in problems(language, english)[0]:
        print(f"{key}\t{english[key]}".replace("\n", "\\n"))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def add(language: str, source: Path) -> None:
    """Append translations to the domain file that holds each id in English."""
    home = {key: domain for domain, ids in domains("en").items() for key in ids}
    folder = locales.LOCALES_DIR / language / "LC_MESSAGES"
    for line in source.read_text(encoding="utf-8").splitlines():
        key, _, text = line.partition("\t")
        if not text.strip():
            continue
        if key not in home:
            sys.exit(f"{key}: not an English message id")
        path = folder / f"{home[key]}.po"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                            f'"Language: {language}\\n"\n', encoding="utf-8")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nmsgid {_quote(key)}\nmsgstr {_quote(text.replace(chr(92) + 'n', chr(10)))}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--todo", metavar="LANG", help="print LANG's missing ids with the English text")
    parser.add_argument("--add", nargs=2, metavar=("LANG", "FILE"), help="append id<TAB>text lines to LANG")
    args = parser.parse_args()
    if args.todo:
        todo(args.todo)
        return 0
    if args.add:
        add(args.add[0], Path(args.add[1]))
    return report()


if __name__ == "__main__":
    raise SystemExit(main())
