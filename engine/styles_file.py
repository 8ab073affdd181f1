"""Reads the operator's styles file (``STYLES_FILE``) and lays it over the presets."""

from __future__ import annotations

from core.errors import ConfigError
from core.settings import Settings
from core.styles import Catalogue, parse_operator_styles


def load_catalogue(settings: Settings) -> Catalogue:
    """The presets, plus the operator's styles when ``STYLES_FILE`` is set; ConfigError if bad."""
    presets = Catalogue.presets()
    path = settings.styles_file
    if path is None:
        return presets
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"STYLES_FILE {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise ConfigError(f"STYLES_FILE {str(path)!r} is not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"STYLES_FILE {str(path)!r} cannot be read: {error.strerror}") from None
    try:
        styles = parse_operator_styles(text, {s.key: s for s in presets})
    except ConfigError as error:
        # Name the file: an operator with several environments needs to know which one.
        raise ConfigError(f"{error.detail} (in {path})") from None
    return presets.merged(styles)
