"""`portraitbot generate PHOTO_OR_URL` — one generation (or a series, or a batch) without Redis.

Prints one ``MEDIA: <path>`` line per image on stdout, in order (seed 003), and notes and
errors on stderr in plain English from the catalogue. Exit status 0 when every picture was
made, 1 when any failed, 2 for a bad command line or configuration. Without any provider key
the offline engine makes a local preview.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typed without loading HTTP and image code at start
    import httpx

    from core.i18n import Catalogues
    from core.settings import Settings
    from core.styles import Catalogue
    from engine.generate import Item
    from engine.intake import Photo

LANGUAGE = "en"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BATCH_MAX_ITEMS = 50
"""Items one batch file may hold; more is almost certainly a mistake that would cost money."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("photo", nargs="?", metavar="PHOTO_OR_URL",
                        help="reference photo (file or https URL); omit for text-to-image")
    parser.add_argument("--style", help="style key (see `portraitbot styles`); default professional")
    parser.add_argument("--scene", help="a scene added to the style")
    parser.add_argument("--prompt", help="a full custom prompt (overrides style and scene)")
    parser.add_argument("--model", help="nano2, nanopro, gpt, flux, seedream, headshot, offline, ...")
    parser.add_argument("--count", type=int, help="images to make (1-8)")
    parser.add_argument("--aspect-ratio", dest="aspect_ratio", help="1:1, 3:4, 4:3, 9:16, 16:9, ...")
    parser.add_argument("--id-spec", dest="id_spec", help="ID photo spec: icao, us, ca, cn_1inch, ...")
    parser.add_argument("--background", choices=("white", "blue", "red"), help="ID photo backdrop")
    parser.add_argument("--series", help="comma-separated styles, one picture each")
    parser.add_argument("--batch", type=Path, metavar="FILE.json",
                        help='JSON list of {"prompt", "model", "refs", "aspect_ratio", "label"}')
    parser.add_argument("--out", type=Path, metavar="DIR", help="save here instead of DATA_DIR/output/images/DATE")
    parser.add_argument("--concurrency", type=int, default=4, help="series/batch items at once")
    parser.add_argument("--go-anyway", dest="go_anyway", action="store_true",
                        help="skip the photo pre-flight check (face found, single, large, lit, sharp)")


def main(args: argparse.Namespace) -> int:
    """Run the generation(s) and print MEDIA lines."""
    import asyncio
    import os

    import locales
    from core.errors import ConfigError
    from core.settings import Settings

    texts = locales.load()
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return EXIT_USAGE
    from portraitbot.logs import setup_logging

    # Warnings only, through the same redaction as the services: stdout stays MEDIA lines.
    setup_logging("WARNING", settings.secrets)
    return asyncio.run(_run(args, settings, texts))


async def _run(args: argparse.Namespace, settings: Settings, texts: Catalogues) -> int:
    import httpx

    from core.errors import PortraitBotError
    from core.models import MODELS
    from engine.generate import Generator
    from engine.providers import build_providers
    from engine.styles_file import load_catalogue

    catalogue = load_catalogue(settings)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        try:
            items = await _items(args, settings, catalogue, client)
        except PortraitBotError as error:
            print(f"error: {texts.error_text(LANGUAGE, error)}", file=sys.stderr)
            if error.message_id.startswith("preflight."):
                print(f"note: {texts.text(LANGUAGE, 'generate.go_anyway_hint')}", file=sys.stderr)
            return EXIT_FAILED
        generator = Generator(settings, build_providers(settings, client), catalogue, out_dir=args.out)
        outcomes = await generator.run_all(items, concurrency=args.concurrency)

    several = len(outcomes) > 1
    shown: set[str] = set()
    for outcome in outcomes:
        for path in outcome.paths:
            print(f"MEDIA: {path}", flush=True)
        model = MODELS.get(outcome.model or "")
        for note in outcome.notes:
            if note not in shown:
                shown.add(note)
                print(f"note: {texts.text(LANGUAGE, note, model=model.name if model else '')}",
                      file=sys.stderr)
        if outcome.error is not None:
            reason = texts.error_text(LANGUAGE, outcome.error)
            if several:
                reason = texts.text(LANGUAGE, "generate.item_failed", index=outcome.index + 1, reason=reason)
            print(f"error: {reason}", file=sys.stderr)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED


async def _items(args: argparse.Namespace, settings: Settings, catalogue: Catalogue,
                 client: httpx.AsyncClient) -> list[Item]:
    """What to generate, from the command line (or the batch file)."""
    from core.errors import UserInputError
    from core.plan import StyleFacts, plan
    from core.request import Intent, SeriesItem
    from engine.generate import Item
    from engine.providers import available_providers

    references: tuple[bytes, ...] = ()
    photo = None
    if args.photo:
        photo = await load_photo_from(args.photo, client)
        references = (photo.jpeg,)
    if args.batch:
        return await batch_items(args.batch, references, client)

    def facts(key: str) -> StyleFacts | None:
        style = catalogue.get(key)
        if style is None:
            return None
        return StyleFacts(style.aspect_ratio, style.needs_photo, style.seed, style.background, style.model)

    style = args.style
    if args.id_spec and not style:
        style = "id_photo_blue" if args.background == "blue" else "id_photo_white"
    if args.series is not None:
        names = [name.strip() for name in args.series.split(",") if name.strip()]
        if not names:
            raise UserInputError("generate.bad_series")
        intent = Intent(action="series", series=tuple(SeriesItem(style=n, scene=args.scene) for n in names),
                        model=args.model, aspect_ratio=args.aspect_ratio, background=args.background,
                        id_spec=args.id_spec)
    else:
        intent = Intent(action="generate", style=style, model=args.model, count=args.count,
                        aspect_ratio=args.aspect_ratio, scene=args.scene, prompt=args.prompt,
                        id_spec=args.id_spec, background=args.background)
    for item in intent.series or (SeriesItem(style=style),):
        if item.style and catalogue.get(item.style) is None and not (args.prompt and args.series is None):
            raise UserInputError("generate.unknown_style", style=item.style)
    chosen = plan(intent, style_facts=facts, available_providers=available_providers(settings),
                  has_reference=bool(references), operator_default=settings.default_model or None)
    if photo is not None and chosen.needs_photo and not chosen.model.local and not args.go_anyway:
        preflight(photo, settings)
    return [Item(request, references) for request in chosen.requests]


def preflight(photo: Photo, settings: Settings) -> None:
    """Refuse, before any money is spent, a photo unlikely to give a good likeness."""
    from core.errors import UserInputError
    from engine.detector import build_detector
    from engine.preflight import check_photo

    verdict = check_photo(photo, build_detector(settings))
    if not verdict.ok and verdict.message_id:
        raise UserInputError(verdict.message_id, **verdict.params)


async def batch_items(path: Path, default_refs: tuple[bytes, ...], client: httpx.AsyncClient) -> list[Item]:
    """Seed 003's batch JSON: [{"prompt", "model", "refs", "aspect_ratio", "label", ...}]."""
    import json

    from core.errors import UserInputError
    from core.models import lookup
    from core.prompts import clean_user_text
    from core.request import GenerationRequest
    from engine.generate import Item

    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserInputError("generate.photo_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UserInputError("generate.bad_batch", detail=type(error).__name__) from None
    if not isinstance(entries, list) or not entries:
        raise UserInputError("generate.bad_batch", detail="not a non-empty list")
    if len(entries) > BATCH_MAX_ITEMS:
        raise UserInputError("generate.bad_batch", detail=f"more than {BATCH_MAX_ITEMS} items")
    items = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("prompt"), str) or not entry["prompt"].strip():
            raise UserInputError("generate.bad_batch", detail=f"item {number} has no prompt")
        refs = entry.get("refs") or []
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise UserInputError("generate.bad_batch", detail=f"item {number}: refs must be a list")
        loaded = tuple([(await load_photo_from(_relative(r, path), client)).jpeg for r in refs]) or default_refs
        model = lookup(entry.get("model")) if isinstance(entry.get("model"), str) else None
        extra = {"resolution": entry["resolution"]} if entry.get("resolution") in ("standard", "high", "max") else {}
        count = entry.get("count", 1)
        items.append(Item(
            GenerationRequest(
                style=str(entry.get("style") or "professional"),
                model=model.key if model else str(entry.get("model") or ""),
                count=count if isinstance(count, int) and 1 <= count <= 8 else 1,
                aspect_ratio=str(entry.get("aspect_ratio") or "1:1"),
                prompt=clean_user_text(entry["prompt"], limit=4000),
                label=clean_user_text(str(entry.get("label") or ""), limit=60) or None,
                extra=extra,
            ),
            loaded,
        ))
    return items


def _relative(ref: str, batch_file: Path) -> str:
    """A ref path relative to the batch file (URLs unchanged)."""
    if "://" in ref or Path(ref).is_absolute():
        return ref
    return str(batch_file.parent / ref)


async def load_photo_from(source: str, client: httpx.AsyncClient) -> Photo:
    """A reference photo (``engine.intake.Photo``) from a file or an https URL, checked."""
    from core.errors import UserInputError
    from engine.intake import load_photo

    if source.startswith(("http://", "https://")):
        data = await fetch_url(source, client)
    else:
        try:
            data = Path(source).expanduser().read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise UserInputError("generate.photo_not_found", path=source) from None
        except OSError:
            raise UserInputError("generate.photo_unreadable", path=source) from None
    return load_photo(data)


async def fetch_url(url: str, client: httpx.AsyncClient) -> bytes:
    """A photo from a public URL, through the guarded fetcher (https, public addresses, caps)."""
    from engine.urlfetch import fetch_image_url_async

    return await fetch_image_url_async(url)
