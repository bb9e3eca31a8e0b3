"""Chooses, once per process, between the compiled and the pure-Python build of the engine's hot modules.

``setup.py`` compiles some of core's own ``.py`` modules with Cython (pure-Python mode: the same source, a
``.pxd`` beside it where typing pays) into ``_native/<module><EXT_SUFFIX>`` and writes
``_native/manifest.json`` (module -> SHA-256 of the ``.py`` and ``.pxd`` it was compiled from). The
compiled files do not sit where Python's own finder would look, so nothing picks them up by accident:
``install()`` puts a finder on ``sys.meta_path`` that loads ``utaex.core.<module>`` from its compiled file
when all of these hold, and otherwise leaves the import to the ``.py`` file (the reference
implementation, and the fallback):

- ``UTAEX_PURE`` is unset, empty or ``0``;
- the compiled file exists (a build without a C compiler has none);
- the ``.py`` (and ``.pxd``) still hash to what was compiled: in an editable checkout a module edited after
  the build runs as Python until the next ``pip install -e .``, never as a stale binary.

Invariant: a module is loaded either compiled or pure for the whole process; ``compiled()`` lists the
compiled ones. This is the only module of core that looks at the environment or the file system, and only
at import time.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE = __name__.rpartition(".")[0]  # "utaex.core" (a test's pure twin loads this file under another name)
CORE_DIR = Path(__file__).resolve().parent
NATIVE_DIR = CORE_DIR / "_native"
MANIFEST = "manifest.json"


def source_digest(core_dir: Path, module: str) -> str:
    """SHA-256 over the module's ``.py`` and, when present, its ``.pxd`` (what the compiled file was built from)."""
    h = hashlib.sha256((core_dir / f"{module}.py").read_bytes())
    pxd = core_dir / f"{module}.pxd"
    if pxd.exists():
        h.update(b"\0pxd\0" + pxd.read_bytes())
    return h.hexdigest()


def pure_forced() -> bool:
    return os.environ.get("UTAEX_PURE", "") not in ("", "0")


def available() -> dict[str, Path]:
    """module -> compiled file, for every module whose compiled build exists and is current."""
    try:
        manifest = json.loads((NATIVE_DIR / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    found: dict[str, Path] = {}
    for module, digest in sorted(manifest.items()):
        path = NATIVE_DIR / f"{module}{suffix}"
        try:
            current = source_digest(CORE_DIR, module)
        except OSError:
            continue
        if path.exists() and current == digest:
            found[module] = path
    return found


class NativeFinder:
    """A ``sys.meta_path`` finder for ``utaex.core.<module>`` of the compiled modules."""

    def __init__(self, modules: dict[str, Path]) -> None:
        self.modules = modules
        self.prefix = PACKAGE + "."

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if not fullname.startswith(self.prefix):
            return None
        file = self.modules.get(fullname[len(self.prefix):])
        if file is None:
            return None
        return importlib.util.spec_from_file_location(fullname, file)


_installed: NativeFinder | None = None


def install() -> None:
    """Put the finder in place (once; nothing when pure Python is forced or nothing compiled is current)."""
    global _installed
    if _installed is not None or PACKAGE != "utaex.core" or pure_forced():
        return
    modules = available()
    if modules:
        _installed = NativeFinder(modules)
        sys.meta_path.insert(0, _installed)


def compiled() -> tuple[str, ...]:
    """Names of the core modules this process runs compiled (empty: everything is pure Python)."""
    out = []
    for name in sorted(_installed.modules) if _installed is not None else ():
        mod = sys.modules.get(f"{PACKAGE}.{name}")
        if mod is not None and not str(getattr(mod, "__file__", "")).endswith(".py"):
            out.append(name)
    return tuple(out)


install()  # at import: utaex.core imports this module before any other of its modules
