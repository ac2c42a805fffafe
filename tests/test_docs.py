"""The documentation keeps up with the code: every setting is in .env.example and the README table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from oxship.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ENV_EXAMPLE = ROOT / ".env.example"

SETTINGS = {name.upper(): field for name, field in Settings.model_fields.items()}
# Placeholders stand in for these defaults in .env.example (never a real or built-in secret).
PLACEHOLDERS = {"SECRET_KEY", "GITHUB_CLIENT_SECRET"}

_ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
_TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|")


def env_example_values() -> dict[str, str]:
    """`NAME=value` lines of .env.example, commented out or not, with surrounding quotes removed."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = _ENV_LINE.match(line.strip())
        if match:
            value = match.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[match.group(1)] = value
    return values


def readme_configuration_rows() -> set[str]:
    """Variable names in the first column of the README's configuration table."""
    text = README.read_text()
    match = re.search(r"^## Configuration\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Configuration' section"
    return {
        row.group(1)
        for line in match.group(1).splitlines()
        if (row := _TABLE_ROW.match(line.strip()))
    }


def test_every_setting_is_in_env_example() -> None:
    documented = env_example_values()
    missing = sorted(set(SETTINGS) - set(documented))
    assert not missing, f".env.example lacks {missing}"


def test_env_example_names_only_settings() -> None:
    unknown = sorted(set(env_example_values()) - set(SETTINGS))
    assert not unknown, f".env.example names settings that do not exist: {unknown}"


@pytest.mark.parametrize("name", sorted(set(SETTINGS) - PLACEHOLDERS))
def test_env_example_shows_the_default(name: str) -> None:
    field = SETTINGS[name]
    value = env_example_values().get(name)
    assert value is not None, f".env.example lacks {name}"
    default: Any = field.get_default(call_default_factory=True)
    if default is None or default == []:
        assert value == "", f"{name} has no default: .env.example should leave it empty"
        return
    parsed = TypeAdapter(field.annotation).validate_python(value)
    assert parsed == default, f".env.example shows {name}={value!r}, the default is {default!r}"


def test_every_setting_is_in_the_readme_table() -> None:
    missing = sorted(set(SETTINGS) - readme_configuration_rows())
    assert not missing, f"the README configuration table lacks {missing}"


def test_readme_names_the_quick_start_commands() -> None:
    text = README.read_text()
    assert "make run" in text
    assert "make test" in text
