"""Build step for the compiled hot path (everything else is in pyproject.toml).

The engine's hot modules in ``src/utaex/core`` are compiled with Cython in pure-Python mode: the ``.py``
files are the source (and stay the reference implementation); a ``.pxd`` beside a module adds C types. The
extensions are optional: without a C compiler (or without Cython) the install still succeeds and the same
modules run as Python. The compiled files go to ``utaex/core/_native/`` with a manifest of the sources they
were built from; ``utaex/core/_native.py`` decides at import time whether to use them (``UTAEX_PURE=1``
forces pure Python). See docs/decisions.md, "A compiled hot path".
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
CORE = HERE / "src" / "utaex" / "core"
# the modules compiled (keep in step with docs/decisions.md); each must also run unchanged as Python
NATIVE = ["book", "engine", "ledger", "settle", "trading"]
DIRECTIVES = {
    "language_level": "3",
    "annotation_typing": False,  # annotations stay hints (Python semantics); C types come from the .pxd files
    "boundscheck": False,
    "wraparound": True,
}


def source_digest(module: str) -> str:
    """Same digest as ``utaex.core._native.source_digest`` (the .py, then the .pxd when present)."""
    h = hashlib.sha256((CORE / f"{module}.py").read_bytes())
    pxd = CORE / f"{module}.pxd"
    if pxd.exists():
        h.update(b"\0pxd\0" + pxd.read_bytes())
    return h.hexdigest()


class BuildNative(build_ext):
    """build_ext that writes ``_native/manifest.json`` beside the compiled modules (only those that built: the
    extensions are optional, a module that fails to compile runs as Python)."""

    def run(self) -> None:
        if self.inplace:  # an editable install copies the built files into the source tree: make _native/ first
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).parent.mkdir(parents=True, exist_ok=True)
        super().run()
        built: dict[Path, dict[str, str]] = {}
        for ext in self.extensions:
            out = Path(self.get_ext_fullpath(ext.name))
            if out.exists():
                module = ext.name.rpartition(".")[2]
                built.setdefault(out.parent, {})[module] = source_digest(module)
        for folder, modules in built.items():
            (folder / "manifest.json").write_text(json.dumps(modules, indent=1, sort_keys=True) + "\n")

    def get_outputs(self) -> list[str]:
        outs = list(super().get_outputs())
        folders = {str(Path(o).parent) for o in outs}
        return outs + [os.path.join(f, "manifest.json") for f in sorted(folders)]


def extensions() -> list[Extension]:
    if os.environ.get("UTAEX_NO_COMPILE", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without Cython (no build isolation): pure Python
        return []
    out: list[Extension] = []
    for m in NATIVE:  # one by one: a module Cython cannot translate is left to run as Python
        ext = Extension(f"utaex.core.{m}", [str((CORE / f"{m}.py").relative_to(HERE))], optional=True)
        try:
            out.extend(cythonize([ext], compiler_directives=DIRECTIVES, build_dir="build/cython", quiet=True))
        except Exception as exc:  # Cython's CompileError and friends
            print(f"utaex: {m}.py is not compiled ({exc}); it runs as Python")
    for ext in out:
        # Translated as utaex.core.<m> (its classes, imports and PyInit_<m> say so), built as
        # utaex.core._native.<m>: the file then lands in _native/ in every kind of build (wheel, editable)
        ext.name = "utaex.core._native." + ext.name.rpartition(".")[2]
        ext.optional = True
    return out


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildNative})
