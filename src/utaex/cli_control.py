"""``utaex faults add|list|clear`` and ``utaex reset``: steering a venue from a shell (admin API,
docs/testing.md)."""

from __future__ import annotations

from typing import Any

import click

from .cli import admin_client, admin_options, main, print_json, reported, table

EFFECTS = ("429", "latency", "error", "lost_reply", "item_error", "ws_drop", "ws_delay")  # gateway/faults.py


def parse_items(_ctx: Any, _param: Any, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a list of item indexes like 1,3") from None


@main.group()
def faults() -> None:
    """Inject, list and clear faults (admin API; docs/testing.md)."""


@faults.command("add")
@click.option("--path", required=True, help="REST path (/api/v3/trade/place-order) or ws:<op or channel> (ws:order).")
@click.option("--effect", required=True, type=click.Choice(EFFECTS))
@click.option("--uid", default=None, help="Only this user's requests.")
@click.option("--count", type=click.IntRange(min=1), default=None, help="Only the next N matches.")
@click.option("--probability", type=click.FloatRange(0, 1), default=None, help="Each match with this probability.")
@click.option("--ms", type=click.IntRange(min=0), default=None, help="latency / ws_delay: milliseconds.")
@click.option("--jitter-ms", type=click.IntRange(min=0), default=None, help="latency: +- this many ms at random.")
@click.option("--status", type=int, default=None, help="error / 429: HTTP status (REST only).")
@click.option("--code", default=None, help="error / 429 / item_error: the Bitget code answered.")
@click.option("--msg", default=None, help="error / 429 / item_error: the message answered.")
@click.option("--items", default=None, callback=parse_items, help="item_error: item indexes, e.g. 1,3.")
@click.option("--after-frames", type=click.IntRange(min=0), default=None,
              help="ws_drop: close after this many more pushed frames.")
@admin_options
def faults_add(path: str, effect: str, uid: str | None, count: int | None, probability: float | None,
               ms: int | None, jitter_ms: int | None, status: int | None, code: str | None, msg: str | None,
               items: list[int] | None, after_frames: int | None, url: str, admin_token: str | None,
               as_json: bool) -> None:
    """Inject a fault, e.g. --path /api/v3/trade/place-order --effect 429 --count 3."""
    if count is not None and probability is not None:
        raise click.UsageError("give --count or --probability, not both")
    with reported(url), admin_client(url, admin_token) as admin:
        fault_id = admin.add_fault(path, effect, uid=uid, count=count, probability=probability, ms=ms,
                                   jitter_ms=jitter_ms, status=status, code=code, msg=msg, items=items,
                                   after_frames=after_frames)
    if as_json:
        print_json({"id": fault_id})
    else:
        click.echo(f"added fault {fault_id}: {effect} on {path}")


def fault_when(f: Any) -> str:
    if f.remaining is not None:
        return f"next {f.remaining}"
    if f.probability is not None:
        return f"p={f.probability:g}"
    return "always"


def fault_params(f: Any) -> str:
    parts = [f"{name}={value}" for name, value in (
        ("ms", f.ms), ("jitterMs", f.jitterMs), ("status", f.status), ("code", f.code), ("msg", f.msg),
        ("afterFrames", f.afterFrames)) if value is not None]
    if f.items is not None:
        parts.append("items=" + ",".join(str(i) for i in f.items))
    return " ".join(parts) or "-"


@faults.command("list")
@admin_options
def faults_list(url: str, admin_token: str | None, as_json: bool) -> None:
    """The faults in force, in the order they act."""
    with reported(url), admin_client(url, admin_token) as admin:
        listed = admin.faults()
    if as_json:
        print_json(listed)
        return
    if not listed:
        click.echo("no faults")
        return
    table(f"faults ({len(listed)})", ["id", "path", "effect", "uid", "when", "params", "hits"],
          [[f.id, f.path, f.effect, f.uid or "all", fault_when(f), fault_params(f), str(f.hits)] for f in listed])


@faults.command("clear")
@click.argument("fault_id", metavar="[ID]", required=False)
@admin_options
def faults_clear(fault_id: str | None, url: str, admin_token: str | None, as_json: bool) -> None:
    """Remove fault ID, or every fault."""
    with reported(url), admin_client(url, admin_token) as admin:
        removed = admin.delete_fault(fault_id) if fault_id is not None else admin.clear_faults()
    if as_json:
        print_json({"removed": removed})
    elif fault_id is not None:
        click.echo(f"removed fault {fault_id}")
    else:
        click.echo(f"removed {removed} fault{'' if removed == 1 else 's'}")


@main.command()
@click.option("--drop-users", is_flag=True, help="Drop every user and API key too.")
@admin_options
def reset(drop_users: bool, url: str, admin_token: str | None, as_json: bool) -> None:
    """Back to the start state: orders, positions, trades and faults gone, balances back to deposits."""
    with reported(url), admin_client(url, admin_token) as admin:
        result = admin.reset(users=not drop_users)
    if as_json:
        print_json(result)
    else:
        click.echo(f"venue reset: {result.removedOrders} open orders removed, {result.users} users kept")
