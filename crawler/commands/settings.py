"""`newsdao settings` (`scrapy settings`): every setting that differs from its default, and where
its value came from (the settings file, the environment, `-s`); `--get NAME` and the other
options of Scrapy's own command still print one value."""

from __future__ import annotations

import json

from scrapy.commands.settings import Command as ScrapySettingsCommand
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.settings import default_settings as scrapy_defaults

from crawler import config
from crawler import settings as project


class Command(ScrapySettingsCommand):
    requires_project = True

    def syntax(self):
        return "[--get NAME]"

    def short_desc(self):
        return "Print the settings that differ from their defaults, and where each came from"

    def run(self, args, opts):
        if opts.get or opts.getbool or opts.getint or opts.getfloat or opts.getlist:
            super().run(args, opts)
            return
        for name, value, origin in changed_settings(self.settings, project.defaults, project.origins):
            print(f"{name} = {json.dumps(value, ensure_ascii=False, default=repr)}  ({origin})")
        for name in config.ignored_variables(project.defaults):
            print(f"ignored: environment variable {name} names no setting")


def changed_settings(settings, defaults: dict, origins: dict) -> list[tuple[str, object, str]]:
    """(name, value, origin) of each setting whose value is not its default (the project's, else
    Scrapy's), sorted by name. The defaults the running command sets itself are left out."""
    changed = []
    for name in sorted(settings.attributes):
        priority = settings.getpriority(name)
        if priority == SETTINGS_PRIORITIES["command"] or name == "SETTINGS_MODULE":  # not yours
            continue
        value = _plain(settings[name])
        default = defaults[name] if name in defaults else getattr(scrapy_defaults, name, None)
        if value == _plain(default):
            continue
        if priority >= SETTINGS_PRIORITIES["cmdline"]:
            origin = "command line"
        elif name in origins:
            origin = origins[name] if origins[name] != "environment" else f"environment variable {name}"
        elif name == "NEWS_LOG_FILE":
            origin = "newsdao's default"
        else:
            origin = "project"
        changed.append((name, value, origin))
    return changed


def _plain(value):
    return value.copy_to_dict() if isinstance(value, BaseSettings) else value
