"""Admin API for steering a venue from a test: injected faults and reset (docs/testing.md)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...core.commands import Configure, Reset, SaveState
from ...core.errors import Reject
from ...wire.requests import ResetRequest, SaveStateRequest
from .. import params as P
from ..errors import ApiError
from ..faults import SETTINGS_KEY, validate

if TYPE_CHECKING:
    from ..app import App, Request


def register(app: App) -> None:
    venue = app.venue
    faults = app.faults

    async def journal_faults() -> None:
        """Make the current fault set durable (a ``Configure`` command), before the admin call answers."""
        await venue.execute(Configure(ts=venue.now_ms(), key=SETTINGS_KEY, value=faults.dump()))

    def used_up() -> None:  # a count fault fired for the last time: its removal is journaled too
        task = asyncio.ensure_future(journal_faults())
        venue._tasks.add(task)
        task.add_done_callback(venue._tasks.discard)

    faults.on_used_up.append(used_up)

    @app.route("POST", "/admin/v1/faults", auth="admin")
    async def add_fault(req: Request) -> Any:
        fault = faults.add(validate(req.body))
        await journal_faults()
        return {"id": fault.id}

    @app.route("GET", "/admin/v1/faults", auth="admin")
    async def list_faults(req: Request) -> Any:
        return {"list": [f.doc() for f in faults.active.values()]}

    @app.route("DELETE", "/admin/v1/faults", auth="admin")
    async def clear_faults(req: Request) -> Any:
        removed = faults.clear()
        await journal_faults()
        return {"removed": str(removed)}

    async def delete_fault(req: Request) -> Any:
        fault_id = req.path[len("/admin/v1/faults/"):]
        if not faults.remove(fault_id):
            raise ApiError(X.PARAM_MISSING, f"Fault {fault_id[:20]} does not exist")
        await journal_faults()
        return {"removed": "1"}

    app.prefix_routes.append(("DELETE", "/admin/v1/faults/", "", delete_fault))

    @app.route("POST", "/admin/v1/reset", auth="admin")
    async def reset(req: Request) -> Any:
        """Back to the start state: orders, positions, trades and faults gone, balances back to deposits."""
        body = P.decode_body(req.body or b"{}", ResetRequest)
        for handle in venue.countdowns.values():
            handle.cancel()
        venue.countdowns.clear()
        removed = await venue.execute(Reset(ts=venue.now_ms(), keep_users=body.users, name=body.name or ""))
        if isinstance(removed, Reject):
            raise ApiError(X.PARAM_MISSING, f"State {(body.name or '')[:64]} does not exist")
        if faults.active:
            faults.clear()
            await journal_faults()
        if app.sim is not None and app.sim.started:
            await app.sim.ensure_agents()  # the simulator's agents trade on (created again if users were dropped)
        return {"removedOrders": str(removed), "users": str(len(venue.engine.accounts))}

    @app.route("POST", "/admin/v1/states", auth="admin")
    async def save_state(req: Request) -> Any:
        """Keep the current state under ``name``; ``POST /admin/v1/reset {"name": ...}`` restores it."""
        body = P.decode_body(req.body, SaveStateRequest)
        result = await venue.execute(SaveState(ts=venue.now_ms(), name=body.name))
        if isinstance(result, Reject):
            raise ApiError(X.PARAM_ERROR, "Parameter verification failed name (1-64 characters)")
        return {"name": body.name, "openOrders": str(result)}

    @app.route("GET", "/admin/v1/states", auth="admin")
    async def list_states(req: Request) -> Any:
        return {"list": [{"name": name} for name in sorted(venue.engine.saved)]}
