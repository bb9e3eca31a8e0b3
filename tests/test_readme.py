"""Runs the code snippets of README.md against the session server, so the README cannot rot.

Conventions for README authors:

* Every ```` ```python ```` block is run, each on its own, as a script in a fresh subprocess (so each
  block must stand alone: imports, client creation, closing). It passes if it exits with status 0.
  A block whose first line is a comment naming a test file (``# test_my_bot.py``) is a pytest file
  instead: it is written under that name to an empty directory outside the repository and run by its
  own ``python -m pytest`` (the installed utaex plugin provides ``utaex_venue``); it passes when pytest
  exits 0 having run at least one test.
* A ```` ```bash ```` / ```` ```sh ```` / ```` ```shell ```` / ```` ```console ```` block is run only when
  marked runnable: the word ``runnable`` in its info string (```` ```bash runnable ````) or an HTML comment
  ``<!-- runnable -->`` on the line just before the fence. In such a block every command line that starts
  with ``utaex `` (an optional ``$ `` prompt is dropped; a trailing ``\\`` continues the line) is run in
  order, except ``utaex serve ...``; other lines (comments, ``export``, ``curl``, output) are skipped. A
  command must exit 0, unless the line ends with a comment ``# exit N``, then it must exit N.
* Placeholders, substituted before running, in both kinds of block:
  ``http://127.0.0.1:8080`` -> the session server's base URL;
  ``YOUR_API_KEY`` / ``YOUR_SECRET_KEY`` / ``YOUR_PASSPHRASE`` -> a fresh user of the session server
  (funded with ``support.DEFAULT_FUNDS``: USDT 1000000, USDC 1000000, BTC 100, ETH 1000; one new user per
  block, shared by the commands of one shell block);
  ``YOUR_ADMIN_TOKEN`` -> the server's admin token.
* The environment also carries ``UTAEX_URL``, ``UTAEX_ADMIN_TOKEN``, ``UTAEX_API_KEY``,
  ``UTAEX_SECRET_KEY`` and ``UTAEX_PASSPHRASE`` for that server and user, so
  ``utaex balance`` works as written after ``export UTAEX_API_KEY=...`` lines that are not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import ADMIN_TOKEN, Server

README = Path(__file__).resolve().parents[1] / "README.md"
PLACEHOLDER_URL = "http://127.0.0.1:8080"
SHELL_LANGS = {"bash", "sh", "shell", "console"}
FENCE = re.compile(r"^ {0,3}```\s*([^`]*)$")
EXPECT_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
PYTEST_FILE = re.compile(r"^#\s*(test_\w+\.py)\s*$")


@dataclass(frozen=True)
class Snippet:
    kind: str  # "python" or "shell"
    line: int  # 1-based line of the opening fence
    code: str

    @property
    def id(self) -> str:
        return f"{self.kind}-line{self.line}"


def extract(text: str) -> list[Snippet]:
    """The runnable snippets of a Markdown text, in order."""
    out: list[Snippet] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        words = m.group(1).strip().lower().split()
        lang = words[0] if words else ""
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and not re.match(r"^ {0,3}```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        marked = "runnable" in words[1:] or (start > 0 and lines[start - 1].strip() == "<!-- runnable -->")
        if lang in ("python", "py", "python3"):
            out.append(Snippet("python", start + 1, "\n".join(body) + "\n"))
        elif lang in SHELL_LANGS and marked:
            out.append(Snippet("shell", start + 1, "\n".join(body) + "\n"))
    return out


def commands(code: str) -> list[tuple[str, int]]:
    """(command line, expected exit status) for every ``utaex`` command of a shell block but ``serve``."""
    joined: list[str] = []
    pending = ""
    for raw in code.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    if pending:
        joined.append(pending)
    out = []
    for line in joined:
        line = line.strip().removeprefix("$ ").strip()
        if not line.startswith("utaex ") or line.split()[1] == "serve":
            continue
        expected = 0
        m = EXPECT_EXIT.search(line)
        if m:
            expected = int(m.group(1))
            line = line[: m.start()]
        out.append((line, expected))
    return out


def substitute(code: str, server: Server, creds: dict[str, str]) -> str:
    for placeholder, value in ((PLACEHOLDER_URL, server.base_url), ("YOUR_API_KEY", creds["apiKey"]),
                               ("YOUR_SECRET_KEY", creds["secretKey"]), ("YOUR_PASSPHRASE", creds["passphrase"]),
                               ("YOUR_ADMIN_TOKEN", ADMIN_TOKEN)):
        code = code.replace(placeholder, value)
    return code


SNIPPETS = extract(README.read_text(encoding="utf-8")) if README.exists() else []


@pytest.mark.parametrize("snippet", SNIPPETS or [None], ids=[s.id for s in SNIPPETS] or ["no-snippets"])
def test_readme_snippet(snippet: Snippet | None, server: Server, tmp_path: Path) -> None:
    if snippet is None:
        where = README if README.exists() else f"{README} (missing)"
        pytest.fail(f"README has no runnable snippets: {where} has no ```python block and no ```bash block "
                    "marked runnable (see the conventions at the top of tests/test_readme.py)")
    creds = server.new_user()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UTAEX_")}
    env.update(UTAEX_URL=server.base_url, UTAEX_ADMIN_TOKEN=ADMIN_TOKEN, UTAEX_API_KEY=creds["apiKey"],
               UTAEX_SECRET_KEY=creds["secretKey"], UTAEX_PASSPHRASE=creds["passphrase"])
    code = substitute(snippet.code, server, creds)
    if snippet.kind == "python" and PYTEST_FILE.match(code.splitlines()[0]):
        name = PYTEST_FILE.match(code.splitlines()[0]).group(1)  # type: ignore[union-attr]
        (tmp_path / name).write_text(code, encoding="utf-8")
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert r.returncode == 0 and " passed" in r.stdout, (
            f"README.md:{snippet.line} pytest file failed:\n{code}\n{r.stdout}{r.stderr}")
        return
    if snippet.kind == "python":
        script = tmp_path / f"readme_line{snippet.line}.py"
        script.write_text(code, encoding="utf-8")
        r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path,
                           timeout=120)
        assert r.returncode == 0, f"README.md:{snippet.line} python snippet failed:\n{code}\n{r.stdout}{r.stderr}"
        return
    cmds = commands(code)
    if not cmds:
        pytest.fail(f"README.md:{snippet.line}: a runnable shell block without any `utaex` command")
    utaex = f"{shlex.quote(sys.executable)} -m utaex"
    for line, expected in cmds:
        r = subprocess.run(["bash", "-c", utaex + line[len("utaex"):]], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=120)
        assert r.returncode == expected, (
            f"README.md:{snippet.line}: `{line}` exited {r.returncode}, expected {expected}:\n{r.stdout}{r.stderr}")
