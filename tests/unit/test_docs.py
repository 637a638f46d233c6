"""The docs are part of the interface: every command, option, setting and source is documented."""

from __future__ import annotations

import re

import click
import pytest

from crawlers.registry import load_sources
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.settings import REPO_ROOT, SETTINGS

register_all(cli)
CLI_DOC = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
CONFIG_DOC = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    match = re.search(rf"^## `exportwatch {name}\b.*?(?=^## |\Z)", CLI_DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for `exportwatch {name}`"
    return match.group(0)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_documented(name: str) -> None:
    text = section(name)
    command = cli.commands[name]
    for param in command.params:
        if isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            assert f"`{flag}" in text, f"option {flag} of `exportwatch {name}` is not in docs/cli.md"
    assert f"exportwatch {name}" in README, f"README does not mention `exportwatch {name}`"


def test_no_documented_command_is_missing() -> None:
    documented = set(re.findall(r"^## `exportwatch (\w[\w-]*)", CLI_DOC, re.M))
    assert documented == set(cli.commands)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented(name: str) -> None:
    default = SETTINGS[name][0]
    assert re.search(rf"\| `{name}` \| `{re.escape(default)}` \|", CONFIG_DOC), (
        f"{name} (default {default!r}) is not documented in docs/configuration.md")


def test_readme_sources_table_matches_sources_file() -> None:
    for source in load_sources(REPO_ROOT / "config" / "sources.yml"):
        assert re.search(rf"^\| `{source.id}` \|", README, re.M), f"source {source.id} missing from README"


def test_readme_quick_start_is_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", quick, re.M)
    assert commands == ["make demo", "make test"]
