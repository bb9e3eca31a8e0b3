"""``utaex clock show|step|advance|realtime``, ``utaex price`` and ``utaex state save|restore|list``: time,
prices and saved states of a venue from a shell (admin API; docs/market.md, docs/testing.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from .cli import admin_client, admin_options, main, print_json, reported, table


def _clock_table(doc: Any) -> None:
    when = datetime.fromtimestamp(int(doc.now) / 1000, UTC).isoformat(timespec="milliseconds")
    table("virtual clock", ["mode", "speed", "now (ms)", "now (UTC)", "pending timers"],
          [[doc.mode, doc.speed, doc.now, when, doc.pendingTimers]])


def _show(doc: Any, as_json: bool) -> None:
    if as_json:
        print_json(doc)
    else:
        _clock_table(doc)


@main.group()
def clock() -> None:
    """Show, stop, step or speed up the venue's virtual clock (admin API; docs/market.md)."""


@clock.command("show")
@admin_options
def clock_show(url: str, admin_token: str | None, as_json: bool) -> None:
    """The clock's mode, speed and virtual time."""
    with reported(url), admin_client(url, admin_token) as admin:
        _show(admin.clock(), as_json)


@clock.command("step")
@admin_options
def clock_step(url: str, admin_token: str | None, as_json: bool) -> None:
    """Stop virtual time: from now on it moves only by `utaex clock advance`."""
    with reported(url), admin_client(url, admin_token) as admin:
        _show(admin.set_clock("step"), as_json)


@clock.command("advance")
@click.argument("ms", type=click.IntRange(min=0))
@admin_options
def clock_advance(ms: int, url: str, admin_token: str | None, as_json: bool) -> None:
    """Move the stepped clock MS milliseconds forward, running everything due meanwhile."""
    with reported(url), admin_client(url, admin_token) as admin:
        _show(admin.advance(ms), as_json)


@clock.command("realtime")
@click.option("--speed", type=click.FloatRange(min=0, min_open=True, max=10_000), default=None,
              help="Virtual time runs this many times as fast as the wall clock (default 1).")
@admin_options
def clock_realtime(speed: float | None, url: str, admin_token: str | None, as_json: bool) -> None:
    """Let virtual time flow with the wall clock again (or SPEED times as fast)."""
    with reported(url), admin_client(url, admin_token) as admin:
        _show(admin.set_clock("realtime", speed), as_json)


@main.command()
@click.argument("category")
@click.argument("symbol")
@click.argument("price")
@admin_options
def price(category: str, symbol: str, price: str, url: str, admin_token: str | None, as_json: bool) -> None:
    """Move the reference (index) price of CATEGORY SYMBOL to PRICE (the simulator's makers follow)."""
    with reported(url), admin_client(url, admin_token) as admin:
        doc = admin.set_price(category, symbol, price)
    if as_json:
        print_json(doc)
    else:
        click.echo(f"{doc.category} {doc.symbol} reference price {doc.price} at {doc.ts}")


@main.group()
def state() -> None:
    """Save the venue's state under a name and restore it later (admin API; docs/testing.md)."""


@state.command("save")
@click.argument("name")
@admin_options
def state_save(name: str, url: str, admin_token: str | None, as_json: bool) -> None:
    """Keep users, balances, orders, positions and strategy orders under NAME."""
    with reported(url), admin_client(url, admin_token) as admin:
        doc = admin.save_state(name)
    if as_json:
        print_json(doc)
    else:
        click.echo(f"saved state {doc.name} ({doc.openOrders} open orders)")


@state.command("restore")
@click.argument("name")
@admin_options
def state_restore(name: str, url: str, admin_token: str | None, as_json: bool) -> None:
    """Back to the state saved under NAME."""
    with reported(url), admin_client(url, admin_token) as admin:
        result = admin.restore_state(name)
    if as_json:
        print_json(result)
    else:
        click.echo(f"restored state {name}: {result.removedOrders} open orders replaced, {result.users} users")


@state.command("list")
@admin_options
def state_list(url: str, admin_token: str | None, as_json: bool) -> None:
    """The saved states."""
    with reported(url), admin_client(url, admin_token) as admin:
        names = admin.call(_states())
    if as_json:
        print_json(names)
    elif not names:
        click.echo("no saved states")
    else:
        table(f"saved states ({len(names)})", ["name"], [[n] for n in names])


def _states() -> Any:
    from .client.base import Call
    from .wire import responses as R

    return Call("GET", "/admin/v1/states", signed=False, type=R.SavedStateList,
                convert=lambda d: [s.name for s in d.list])
