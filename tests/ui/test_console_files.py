"""The console's shipped files: all in the package data, every reference between them resolves, no CDN."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "src" / "utaex" / "console"


def test_every_console_file_is_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["utaex"]
    files = sorted(p.name for p in CONSOLE.iterdir() if p.is_file())
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(f"console/{name}", g) for g in globs), f"{name} would not be installed"


def test_every_reference_resolves_to_a_shipped_file() -> None:
    shipped = {p.name for p in CONSOLE.iterdir()}
    for page in CONSOLE.glob("*.html"):
        refs = re.findall(r'(?:src|href)="([^"]+)"', page.read_text())
        for ref in refs:
            assert not re.match(r"^[a-z]+:|^//", ref), f"{page.name} refers outside the venue: {ref}"
            if ref.startswith("/console/"):
                assert ref.removeprefix("/console/") in shipped, (page.name, ref)
            else:
                assert ref in ("/", "/account", "/admin"), (page.name, ref)
    for script in CONSOLE.glob("*.js"):
        for ref in re.findall(r'\bfrom "\./([^"]+)"', script.read_text()):
            assert ref in shipped, (script.name, ref)
        assert "http://" not in script.read_text() and "https://" not in script.read_text(), script.name
