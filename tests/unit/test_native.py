"""The compiled hot path against the pure-Python engine (docs/decisions.md, "A compiled hot path").

1. Which build runs: ``utaex.core.COMPILED`` names the modules loaded from their Cython build; ``UTAEX_PURE=1``
   empties it; under ``UTAEX_EXPECT_COMPILED=1`` (set by .ci/run) every module setup.py compiles must be
   loaded compiled, so a build that silently fell back to Python fails CI instead of passing slowly.
2. Differential: the invariants state machine (test_invariants.EngineMachine: every command kind, every
   category) drives the engine of this process (compiled) and, with the same commands, a pure-Python twin of
   ``utaex.core`` loaded side by side from the same ``.py`` files under another package name. After every
   command the result and the events (encoded to JSON right away: they reference live orders) must be the
   same bytes, and after every step the state hashes equal.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest
from hypothesis.stateful import invariant
from test_invariants import ENGINE_KW, EngineMachine

import utaex.core
from utaex.core import COMPILED

CORE_DIR = Path(utaex.core.__file__).resolve().parent


def compiled_by_setup() -> tuple[str, ...]:
    """setup.py's NATIVE list (read from the file, so the two never drift apart)."""
    tree = ast.parse((Path(__file__).resolve().parents[2] / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "NATIVE" for t in node.targets):
            return tuple(sorted(ast.literal_eval(node.value)))
    raise AssertionError("setup.py has no NATIVE list")


NATIVE = compiled_by_setup()
TWIN = "_utaex_core_pure"


def pure_twin() -> ModuleType:
    """A second ``utaex.core`` imported from its ``.py`` files only, as package ``_utaex_core_pure``: its
    modules, classes (``Order``, the commands) and engine are its own and never compiled."""
    loaded = sys.modules.get(TWIN)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(TWIN, CORE_DIR / "__init__.py",
                                                  submodule_search_locations=[str(CORE_DIR)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[TWIN] = module
    spec.loader.exec_module(module)
    return module


def test_which_build_runs() -> None:
    if os.environ.get("UTAEX_PURE", "") not in ("", "0"):
        assert COMPILED == ()
    elif os.environ.get("UTAEX_EXPECT_COMPILED") == "1":
        assert COMPILED == NATIVE, "the compiled build is missing or stale: pip install -e . rebuilds it"
    else:
        for name in COMPILED:  # whatever runs compiled comes from _native/, the rest from the .py
            assert "_native" in str(sys.modules[f"utaex.core.{name}"].__file__)
    twin = pure_twin()
    assert twin.COMPILED == ()
    for name in NATIVE:
        assert str(sys.modules[f"{TWIN}.{name}"].__file__).endswith(f"{name}.py")


def test_pure_env_forces_python() -> None:
    out = subprocess.run([sys.executable, "-c", "import utaex.core, utaex.core.engine as e; "
                          "print(utaex.core.COMPILED, e.__file__.endswith('.py'))"],
                         env={**os.environ, "UTAEX_PURE": "1"}, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["()", "True"]


class DifferentialMachine(EngineMachine):
    """EngineMachine's rules, each command applied to both engines; its own invariants give way to one
    comparison (they run on the compiled build in test_invariants itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.twin_core = pure_twin()
        self.twin = self.twin_core.Engine(self.twin_core.InstrumentSet(), **ENGINE_KW)

    def twin_command(self, cmd: Any) -> Any:
        cls = getattr(sys.modules[f"{TWIN}.commands"], type(cmd).__name__)
        return msgspec.convert(msgspec.to_builtins(cmd), cls)

    def apply(self, cmd_type: type, same_ts: bool = False, **kw: Any) -> Any:
        result = super().apply(cmd_type, same_ts, **kw)
        got = msgspec.json.encode(self.last_step)  # right away: events reference live orders
        twin_result, twin_events = self.twin.apply(self.twin_command(self.cmds[-1]))
        assert msgspec.json.encode([twin_result, twin_events]) == got, self.cmds[-1]
        return result

    def audit_is_clean(self) -> None:
        pass

    def cancels_leave_other_users_alone(self) -> None:
        pass

    def replay_and_snapshot_agree(self) -> None:
        pass

    def reads_agree_with_state(self) -> None:
        pass

    @invariant()
    def same_state(self) -> None:
        assert self.eng.state_hash() == self.twin.state_hash()


@pytest.mark.skipif(not COMPILED, reason="no compiled build in this environment (pip install -e . builds it)")
class TestDifferential(DifferentialMachine.TestCase):
    pass
