"""The docs stay honest: every command has help with an example and a place in the README."""

from __future__ import annotations

import re

import pytest

from cli import app
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands)


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```(?:console|sh|bash)?\n(.*?)```", README, re.S)
    assert blocks, "README has no code block"
    first = blocks[0]
    assert "make map" in first and "make test" in first


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_with_an_example(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: arms-routes " + command in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_the_readme(command):
    assert re.search(rf"arms-routes {re.escape(command)}\b", README), f"README never shows `arms-routes {command}`"


def test_the_schema_is_named_in_the_readme():
    assert "routes/schema/transfers.schema.json" in README
