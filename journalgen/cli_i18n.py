"""The command line's own words in the user's language: help texts, usage lines and usage errors
come from the same catalog as every other message (`--lang ja`, or a Japanese locale).

Help is printed while the options are still being parsed, so the language is read from the
arguments themselves (`--lang ja` anywhere on the line) before click parses them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

import click

from journalgen.console import echo
from journalgen.i18n import LANGS, Lang, default_lang, translate

LANG_KEY = "journalgen.lang"

# click's own usage errors (English), as message ids of our catalog; patterns compiled (by `re`)
# only when an error is shown
CLICK_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Missing option '(?P<name>[^']+)'\.?", "Missing option {name}."),
    (r"Missing argument '(?P<name>[^']+)'\.?", "Missing argument {name}."),
    (r"No such option:? '?(?P<name>[^'\s]+)'?\.? \(?Did you mean (?:one of: )?(?P<other>.+?)\?\)?",
     "No such option: {name}. Did you mean {other}?"),
    (r"No such option:? '?(?P<name>[^'\s]+)'?\.?", "No such option: {name}"),
    (r"Option '(?P<name>[^']+)' requires an argument\.?", "Option {name} needs a value."),
    (r"No such command '(?P<name>[^']+)'\. Did you mean '(?P<other>[^']+)'\?",
     "No such command {name}. Did you mean {other}?"),
    (r"No such command '(?P<name>[^']+)'\.?", "No such command {name}."),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", "Unexpected extra argument: {args}"),
    (r"(?s)Invalid value for '(?P<name>[^']+)': '(?P<value>.*)' is not one of (?P<choices>.*?)\.?$",
     "Invalid value for {name}: {value} is not one of {choices}."),
    (r"(?s)Invalid value for '(?P<name>[^']+)': (?P<detail>.*)", "Invalid value for {name}: {detail}"),
)


def lang_in_args(args: Sequence[str]) -> Lang | None:
    """The language a command line asks for with `--lang ja|en`, if it does."""
    for position, arg in enumerate(args):
        value = args[position + 1] if arg == "--lang" and position + 1 < len(args) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            return value
    return None


def context_lang(ctx: click.Context | None) -> Lang:
    """The language of the command line being run: its `--lang`, else the locale's."""
    return (ctx.meta.get(LANG_KEY) if ctx is not None else None) or default_lang()


def help_text(text: str, lang: Lang) -> str:
    """A help text in `lang` (whitespace folded, as its message id is); `{installed}` becomes
    the installed targets' names."""
    text = translate(" ".join(inspect.cleandoc(text).partition("\f")[0].split()), lang)
    if "{installed}" in text:  # only then are the plugins loaded
        from journalgen.errors import JournalgenError
        from journalgen.plugins import installed_targets

        try:
            names = ", ".join(installed_targets().names())
        except JournalgenError:  # two plugins registering one name: `journalgen targets` says so
            names = "journalgen targets"
        text = text.replace("{installed}", names)
    return text


def click_message(message: str, lang: Lang) -> str:
    """One of click's English usage errors in `lang`, when it is one the catalog knows."""
    for pattern, msgid in CLICK_MESSAGES:
        if found := re.fullmatch(pattern, message.strip()):
            return translate(msgid, lang).format(**found.groupdict())
    return message


class LocalisedUsageError(click.UsageError):
    """A usage error shown in the command line's language: usage, hint, then the error."""

    def __init__(self, error: click.UsageError, lang: Lang):
        super().__init__(click_message(error.format_message(), lang), error.ctx)
        self.lang = lang

    def show(self, file=None) -> None:
        if self.ctx is not None:
            echo(self.ctx.get_usage(), err=True)
            echo(translate("Try '{command} -h' for help.", self.lang).format(command=self.ctx.command_path) + "\n",
                 err=True)
        echo(translate("Error: {message}", self.lang).format(message=self.format_message()), err=True)


class _Localised:
    """Help and usage errors of a command in the language of its command line; `-h` and `--help`;
    the full first sentence of each command in the list of commands, never cut with `...`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(LANG_KEY, lang_in_args(args))
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:  # the help itself, printed as click prints it
            raise
        except click.UsageError as error:
            raise LocalisedUsageError(error, context_lang(ctx)) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LocalisedUsageError:
            raise
        except click.UsageError as error:
            raise LocalisedUsageError(error, context_lang(error.ctx or ctx)) from None

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = context_lang(ctx)
        pieces = [translate("[OPTIONS]", lang), *self.collect_usage_pieces(ctx)[1:]]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=translate("Usage: ", lang))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = help_text(original, context_lang(ctx)) if original else original
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang, rows = context_lang(ctx), []
        for param in self.get_params(ctx):
            original = getattr(param, "help", None)
            if original:
                param.help = help_text(original, lang)
            try:
                record = param.get_help_record(ctx)
            finally:
                if original:
                    param.help = original
            if record:
                rows.append(record)
        if rows:
            with formatter.section(translate("Options", lang)):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        text = self.short_help or self.help or ""
        first = " ".join(inspect.cleandoc(text).split("\n\n")[0].split()) if text else ""
        return help_text(first, context_lang(click.get_current_context(silent=True))) if first else ""


class Command(_Localised, click.Command):
    """A journalgen command (see `_Localised`)."""


class Group(_Localised, click.Group):
    """The journalgen command group (see `_Localised`)."""

    command_class = Command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str()) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section(translate("Commands", context_lang(ctx))):
                formatter.write_dl(rows)
