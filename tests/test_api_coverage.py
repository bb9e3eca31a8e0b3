"""docs/api-coverage.md against the real server: every row is served (✅, nothing "not yet" or answered with
25002), and every REST path of the table is a route of the running venue (its OpenAPI document lists every
registered route)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from support import Server

TABLE = Path(__file__).resolve().parents[1] / "docs" / "api-coverage.md"


def rows() -> list[list[str]]:
    out = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] not in ("Area", "---"):
            out.append(cells)
    return out


def test_every_row_is_served_and_every_rest_path_is_a_route(server: Server) -> None:
    table = rows()
    assert len(table) >= 60
    for _area, _method, path, _page, served in table:
        assert served.startswith("✅"), (path, served)
        assert "not yet" not in served and "25002" not in served, (path, served)
    paths = set(httpx.get(server.base_url + "/openapi.json", timeout=10).json()["paths"])
    for area, _method, path, _page, _served in table:
        if area.startswith("WS"):
            continue
        for rest in re.findall(r"`(/api/[^`]+)`", path):
            assert rest in paths, rest
