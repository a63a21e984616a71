"""Your settings without `-s`: a TOML settings file in the working folder, then NEWS_* environment
variables. crawler/settings.py applies them when Scrapy loads it, at the project's priority, so
`newsdao` and `scrapy` commands both read them and `-s NAME=value` still wins.

A mistake (bad TOML, a misspelled setting, a number that is not one) is one line naming the
file or variable and the setting, like a mistake in the sources file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

SETTINGS_FILE = "newsdao.toml"  # default name; NEWS_SETTINGS_FILE (environment) names another
SETTINGS_FILE_VARIABLE = "NEWS_SETTINGS_FILE"
NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class ConfigError(ValueError):
    """The settings file or a NEWS_* variable is wrong; the message says where and why."""


def settings_file(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(SETTINGS_FILE_VARIABLE) or SETTINGS_FILE)


def overrides(
    defaults: Mapping[str, object], known: set[str], environ: Mapping[str, str] = os.environ
) -> tuple[dict[str, object], dict[str, str]]:
    """(values, origins): the settings the file and the environment change, and where each came from.

    `defaults` are the project's settings (their types check the new values); `known` every
    setting name a key may use (the project's and Scrapy's).
    """
    values: dict[str, object] = {}
    origins: dict[str, str] = {}
    path = settings_file(environ)
    if path.is_file() or SETTINGS_FILE_VARIABLE in environ:
        for name, value in _read_file(path).items():
            where = f"{path}: {name}"
            if not NAME_RE.match(name) or name not in known:
                raise ConfigError(f"{where}: unknown setting (settings are named as in crawler/settings.py)")
            # Our settings' types are known; Scrapy's are taken as Scrapy takes them (DOWNLOAD_DELAY
            # is 0 by default and 0.5 is fine).
            values[name] = _checked(value, defaults[name], where) if name.startswith("NEWS_") else value
            origins[name] = str(path)
    for name, text in environ.items():
        if name.startswith("NEWS_") and name in defaults and name != SETTINGS_FILE_VARIABLE:
            values[name] = _from_text(text, defaults[name], f"environment variable {name}={text!r}")
            origins[name] = "environment"
    return values, origins


def check_command_line(args: list[str], defaults: Mapping[str, object]) -> None:
    """Refuse a `-s NEWS_NAME=value` whose value is not of its default's type (as `-s` gives it,
    a string, the command would fail on it later with a traceback)."""
    for index, arg in enumerate(args):
        if arg in ("-s", "--set") and index + 1 < len(args):
            pair = args[index + 1]
        elif arg.startswith("--set="):
            pair = arg[len("--set=") :]
        else:
            continue
        name, _, text = pair.partition("=")
        if name.startswith("NEWS_") and name in defaults:
            _from_text(text, defaults[name], f"-s {name}={text!r}")


def ignored_variables(defaults: Mapping[str, object], environ: Mapping[str, str] = os.environ) -> list[str]:
    """NEWS_* environment variables that name no setting (a typo, or another program's)."""
    return sorted(
        name for name in environ
        if name.startswith("NEWS_") and name not in defaults and name != SETTINGS_FILE_VARIABLE
    )  # fmt: skip


def _read_file(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: settings file not found ({SETTINGS_FILE_VARIABLE} names it)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _checked(value: object, default: object, where: str) -> object:
    """A file's value, of the default's type (an int where a float is expected is fine)."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:  # None, tables, lists: as Scrapy takes them
        ok = True
    if not ok:
        raise ConfigError(f"{where}: must be {_kind(default)}, like its default {default!r}")
    return float(value) if isinstance(default, float) else value


def _from_text(text: str, default: object, where: str) -> object:
    """An environment variable's text as the default's type, as `-s` would give it."""
    try:
        if isinstance(default, bool):
            lowered = text.strip().lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError
            return lowered in ("true", "1")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        raise ConfigError(f"{where}: must be {_kind(default)}, like its default {default!r}") from None
    return text


def _kind(default: object) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    return "a string"
