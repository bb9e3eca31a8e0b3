"""The ``utaex`` command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .core.enums import CATEGORIES

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_URL = "http://127.0.0.1:8080"


class Failure(click.ClickException):
    """A one-line error on stderr (``error 25204: Order does not exist``) and exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


@contextmanager
def reported(url: str) -> Iterator[None]:
    """Turn client and transport errors into one clear line each."""
    import httpx
    import msgspec

    from .client import BitgetError

    try:
        yield
    except BitgetError as err:
        raise Failure(f"error {err.code}: {err.msg}" + (f" (HTTP {err.status})" if err.status >= 500 else "")) from None
    except httpx.ConnectError as err:
        raise Failure(f"error: cannot connect to {url} ({err})") from None
    except httpx.HTTPError as err:
        raise Failure(f"error: {type(err).__name__}: {err}") from None
    except msgspec.ValidationError as err:
        raise Failure(f"error: unexpected response from {url}: {err}") from None
    except (ValueError, TypeError) as err:
        raise Failure(f"error: {err}") from None


@click.group()
@click.version_option(package_name="utaex")
def main() -> None:
    """utaex: a self-hostable exchange speaking Bitget's UTA REST v3 and WebSocket v3 APIs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--data-dir", default="./utaex-data", show_default=True, type=click.Path(path_type=Path))
@click.option("--durability", type=click.Choice(["fsync", "none"]), default="fsync", show_default=True,
              help="fsync: every acknowledged command is on disk. none: skip fsync (load tests only).")
@click.option("--no-rate-limit", is_flag=True, help="Disable Bitget's per-UID rate limits (load tests).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML or JSON file with instruments and settings (docs/configuration.md).")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the ids and of the market simulator, for reproducible runs.")
@click.option("--log-level", default="warning", show_default=True, callback=lambda _c, _p, v: v.lower(),
              type=click.Choice(["debug", "info", "warning", "error", "critical"], case_sensitive=False),
              help="What goes to stderr; info adds an access log line per request.")
@click.option("--store", "store_url", default=None, metavar="URL",
              help="History store: postgresql://USER@HOST:PORT/DB (default: SQLite in the data dir).")
@click.option("--scenario", "scenario_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML scenario: users, opening orders, a schedule of faults and orders (docs/testing.md).")
@click.option("--market", default="on", show_default=True, envvar="UTAEX_MARKET", metavar="on|off|FILE",
              help="on: simulated makers and takers trade every default book; off: a quiet venue (exact books, "
                   "for tests); FILE: on, with the reference price replayed from a CSV of trades or candles "
                   "(docs/market.md). Env UTAEX_MARKET.")
@click.option("--clock", "clock", default="realtime", show_default=True, metavar="realtime|step|SPEED",
              help="The virtual clock at start: real time, stepped (POST /admin/v1/clock/advance), or real "
                   "time SPEED times as fast. Ignored when the data dir holds a journaled clock.")
@click.option("--journal", "journal_url", default=None, metavar="URL",
              help="Replicate the journal to NATS JetStream: nats://HOST:PORT/STREAM (docs/scale-out.md).")
@click.option("--role", type=click.Choice(["primary", "standby", "replica"]), default="primary", show_default=True,
              help="With --journal: primary writes; standby follows and takes over; replica follows and serves reads.")
@click.option("--advertise", default=None, metavar="URL",
              help="With --journal: the URL other venues name for this one (default http://HOST:PORT).")
@click.option("--start-time", type=click.IntRange(min=1), default=None, metavar="MS",
              help="Virtual time (ms since the epoch) a fresh data dir starts at: with --clock step and --seed, "
                   "a run is reproducible to the state hash.")
def serve(host: str, port: int, data_dir: Path, durability: str, no_rate_limit: bool, config_path: Path | None,
          seed: int, log_level: str, store_url: str | None, scenario_path: Path | None, market: str,
          clock: str, journal_url: str | None, role: str, advertise: str | None, start_time: int | None) -> None:
    """Start the venue (creates a funded demo account on first start)."""
    from .gateway.server import serve as run

    if market not in ("on", "off") and not Path(market).is_file():
        raise click.BadParameter(f"{market!r} is neither on, off nor a readable file", param_hint="--market")
    if clock not in ("realtime", "step"):
        try:
            if not 0 < float(clock) <= 10_000:
                raise ValueError
        except ValueError:
            raise click.BadParameter(f"{clock!r}: realtime, step or a speed in (0, 10000]",
                                     param_hint="--clock") from None
    run(host, port, data_dir, fsync=durability == "fsync", rate_limit=not no_rate_limit, config_path=config_path,
        admin_token=os.environ.get("UTAEX_ADMIN_TOKEN") or None, seed=seed, log_level=log_level, store_url=store_url,
        scenario_path=scenario_path, market=market, clock=clock, journal_url=journal_url, role=role,
        advertise=advertise, start_time=start_time)


# -- shared options and output -----------------------------------------------------------------------------------

def url_option(f: F) -> F:
    return click.option("--url", envvar="UTAEX_URL", default=DEFAULT_URL, show_default=True,
                        help="Venue base URL (env UTAEX_URL); https://api.bitget.com for the real Bitget.")(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of text.")(f)


def admin_options(f: F) -> F:
    f = click.option("--admin-token", envvar="UTAEX_ADMIN_TOKEN", default=None,
                     help="Admin bearer token (env UTAEX_ADMIN_TOKEN), as the server was started with.")(f)
    return url_option(json_option(f))


def signed_options(f: F) -> F:
    f = click.option("--passphrase", envvar="UTAEX_PASSPHRASE", default=None, help="Env UTAEX_PASSPHRASE.")(f)
    f = click.option("--secret-key", envvar="UTAEX_SECRET_KEY", default=None, help="Env UTAEX_SECRET_KEY.")(f)
    f = click.option("--api-key", envvar="UTAEX_API_KEY", default=None, help="Env UTAEX_API_KEY.")(f)
    return url_option(json_option(f))


def admin_client(url: str, token: str | None) -> Any:
    from .client import AdminClient

    if not token:
        raise click.UsageError("no admin token: set UTAEX_ADMIN_TOKEN or pass --admin-token")
    return AdminClient(token, base_url=url)


def signed_client(url: str, api_key: str | None, secret_key: str | None, passphrase: str | None) -> Any:
    from .client import Client

    missing = [name for name, value in (("UTAEX_API_KEY / --api-key", api_key),
                                        ("UTAEX_SECRET_KEY / --secret-key", secret_key),
                                        ("UTAEX_PASSPHRASE / --passphrase", passphrase)) if not value]
    if missing:
        raise click.UsageError("missing API credentials: " + ", ".join(missing))
    return Client(api_key, secret_key, passphrase, base_url=url)


def print_json(value: Any) -> None:
    import msgspec

    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def console() -> Any:
    from rich.console import Console

    # a pipe gets wide lines: ids must never be wrapped or cut when a script reads the table
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


def table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for name in columns:
        t.add_column(name, no_wrap=True)
    for row in rows:
        t.add_row(*row)
    console().print(t)


def fields(pairs: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.ljust(width)}  {value}")


def key_output(info: Any, as_json: bool, export: bool) -> None:
    if as_json:
        print_json(info)
    elif export:
        for name, value in (("UTAEX_API_KEY", info.apiKey), ("UTAEX_SECRET_KEY", info.secretKey),
                            ("UTAEX_PASSPHRASE", info.passphrase)):
            click.echo(f"export {name}={value}")
    else:
        fields([("uid", info.uid), ("apiKey", info.apiKey), ("secretKey", info.secretKey),
                ("passphrase", info.passphrase), ("permissions", ",".join(info.permissions))])


def export_option(f: F) -> F:
    return click.option("--export", is_flag=True, help="Print `export UTAEX_API_KEY=...` lines for a shell.")(f)


# -- admin: users, keys, deposits --------------------------------------------------------------------------------

def parse_fund(values: tuple[str, ...]) -> dict[str, str]:
    funds: dict[str, str] = {}
    for item in values:
        coin, sep, amount = item.partition("=")
        if not sep or not coin or not amount:
            raise click.BadParameter(f"{item!r} is not COIN=AMOUNT", param_hint="--fund")
        funds[coin.strip().upper()] = amount.strip()
    return funds


@main.group()
def users() -> None:
    """Create users (admin API)."""


@users.command("create")
@click.option("--fund", "funds", multiple=True, metavar="COIN=AMOUNT", help="Initial balance; repeatable.")
@click.option("--read-only", is_flag=True, help="The first API key may only read.")
@export_option
@admin_options
def users_create(funds: tuple[str, ...], read_only: bool, export: bool, url: str, admin_token: str | None,
                 as_json: bool) -> None:
    """Create a user with an API key, funded with --fund COIN=AMOUNT (e.g. --fund USDT=100000)."""
    balances = parse_fund(funds)
    with reported(url), admin_client(url, admin_token) as admin:
        info = admin.create_user(balances, read_only)
    key_output(info, as_json, export)


@main.group()
def keys() -> None:
    """Create API keys (admin API)."""


@keys.command("create")
@click.argument("uid")
@click.option("--read-only", is_flag=True, help="Read-only key (no trading).")
@export_option
@admin_options
def keys_create(uid: str, read_only: bool, export: bool, url: str, admin_token: str | None, as_json: bool) -> None:
    """Create another API key for user UID."""
    with reported(url), admin_client(url, admin_token) as admin:
        info = admin.create_api_key(uid, read_only)
    key_output(info, as_json, export)


@main.command()
@click.argument("uid")
@click.argument("coin")
@click.argument("amount")
@admin_options
def deposit(uid: str, coin: str, amount: str, url: str, admin_token: str | None, as_json: bool) -> None:
    """Credit AMOUNT of COIN to user UID (admin API)."""
    coin = coin.upper()
    with reported(url), admin_client(url, admin_token) as admin:
        result = admin.deposit(uid, coin, amount)
    if as_json:
        print_json({"uid": uid, "coin": coin, "amount": amount, "result": result})
    else:
        click.echo(f"deposited {amount} {coin} to {uid}")


# -- signed: balance and orders ----------------------------------------------------------------------------------

@main.command()
@click.option("--coin", "coins", multiple=True, help="Only these coins; repeatable.")
@signed_options
def balance(coins: tuple[str, ...], url: str, api_key: str | None, secret_key: str | None, passphrase: str | None,
            as_json: bool) -> None:
    """Account balances (GET /api/v3/account/assets)."""
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        doc = c.assets()
    wanted = {x.upper() for x in coins}
    if wanted:
        doc.assets = [a for a in doc.assets if a.coin in wanted]
    if as_json:
        print_json(doc)
        return
    table(f"account equity {doc.accountEquity} USD", ["coin", "balance", "available", "locked", "debt", "equity",
                                                       "usdValue"],
          [[a.coin, a.balance, a.available, a.locked, a.debt, a.equity, a.usdValue] for a in doc.assets])


@main.group()
def orders() -> None:
    """Place, list and cancel orders (signed API)."""


def category_option(default: str | None = "SPOT") -> Callable[[F], F]:
    return click.option("--category", default=default, show_default=default is not None,
                        type=click.Choice(CATEGORIES, case_sensitive=False),
                        callback=lambda _c, _p, v: v.upper() if v else v)


def parse_ref(token: str) -> tuple[str | None, str | None]:
    """(orderId, clientOid) named by a token: ``oid:``/``coid:`` prefix, else 19 digits = orderId."""
    for prefix, is_oid in (("oid:", True), ("coid:", False)):
        if token.startswith(prefix):
            value = token[len(prefix):]
            if not value:
                raise click.BadParameter(f"{token!r}: nothing after {prefix!r}")
            return (value, None) if is_oid else (None, value)
    if len(token) == 19 and token.isascii() and token.isdigit():
        return token, None
    return None, token


@orders.command("place")
@category_option()
@click.option("--symbol", required=True, help="e.g. BTCUSDT")
@click.option("--side", required=True, type=click.Choice(["buy", "sell"], case_sensitive=False))
@click.option("--qty", required=True, help="Base quantity (market buys on SPOT: quote amount).")
@click.option("--price", default=None, help="Limit price; omit for a market order.")
@click.option("--type", "order_type", type=click.Choice(["limit", "market"], case_sensitive=False), default=None,
              help="Default: limit with --price, else market.")
@click.option("--tif", type=click.Choice(["gtc", "ioc", "fok", "post_only"], case_sensitive=False), default=None)
@click.option("--client-oid", default=None)
@click.option("--pos-side", type=click.Choice(["long", "short"], case_sensitive=False), default=None,
              help="Futures, hedge mode.")
@click.option("--reduce-only", is_flag=True, help="Futures: only reduce a position.")
@signed_options
def orders_place(category: str, symbol: str, side: str, qty: str, price: str | None, order_type: str | None,
                 tif: str | None, client_oid: str | None, pos_side: str | None, reduce_only: bool, url: str,
                 api_key: str | None, secret_key: str | None, passphrase: str | None, as_json: bool) -> None:
    """Place one order."""
    order_type = (order_type or ("limit" if price is not None else "market")).lower()
    if order_type == "limit" and price is None:
        raise click.UsageError("a limit order needs --price")
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        ids = c.place_order(category, symbol, side.lower(), order_type, qty, price, time_in_force=tif,
                            client_oid=client_oid, pos_side=pos_side, reduce_only=True if reduce_only else None)
    if as_json:
        print_json(ids)
    else:
        click.echo(f"placed order {ids.orderId} (clientOid {ids.clientOid})")


ORDER_COLUMNS = ["orderId", "clientOid", "category", "symbol", "side", "type", "price", "qty", "filled", "status"]


def order_row(o: Any) -> list[str]:
    return [o.orderId, o.clientOid, o.category, o.symbol, o.side, o.orderType, o.price, o.qty, o.cumExecQty,
            o.orderStatus]


@orders.command("list")
@category_option(None)
@click.option("--symbol", default=None)
@click.option("--history", is_flag=True, help="Finished orders (history; --category defaults to SPOT).")
@click.option("--limit", type=click.IntRange(1, 100), default=None)
@signed_options
def orders_list(category: str | None, symbol: str | None, history: bool, limit: int | None, url: str,
                api_key: str | None, secret_key: str | None, passphrase: str | None, as_json: bool) -> None:
    """Open orders (or, with --history, finished ones), newest first."""
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        if history:
            page = c.history_orders(category or "SPOT", symbol, limit=limit)
        else:
            page = c.unfilled_orders(category, symbol, limit=limit)
    if as_json:
        print_json(page.list)
        return
    what = "order history" if history else "open orders"
    if not page.list:
        click.echo(f"no {what}")
        return
    table(f"{what} ({len(page.list)})", ORDER_COLUMNS, [order_row(o) for o in page.list])


@orders.command("show")
@click.argument("ref")
@signed_options
def orders_show(ref: str, url: str, api_key: str | None, secret_key: str | None, passphrase: str | None,
                as_json: bool) -> None:
    """One order by orderId or clientOid (REF: 19 digits = orderId, or oid:/coid: prefix)."""
    order_id, client_oid = parse_ref(ref)
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        o = c.order_info(order_id, client_oid)
    if as_json:
        print_json(o)
        return
    fee = ", ".join(f"{d.fee} {d.feeCoin}" for d in o.feeDetail if d.feeCoin) or "0"
    fields([("orderId", o.orderId), ("clientOid", o.clientOid), ("category", o.category), ("symbol", o.symbol),
            ("side", o.side), ("type", o.orderType), ("timeInForce", o.timeInForce), ("price", o.price),
            ("qty", o.qty), ("filled", o.cumExecQty), ("avgPrice", o.avgPrice), ("fee", fee),
            ("status", o.orderStatus), ("cancelReason", o.cancelReason or "-")])


@orders.command("cancel")
@click.argument("ref")
@category_option(None)
@click.option("--symbol", default=None)
@signed_options
def orders_cancel(ref: str, category: str | None, symbol: str | None, url: str, api_key: str | None,
                  secret_key: str | None, passphrase: str | None, as_json: bool) -> None:
    """Cancel one order (REF: 19 digits = orderId, else clientOid; or oid:/coid: prefix)."""
    order_id, client_oid = parse_ref(ref)
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        ids = c.cancel_order(order_id, client_oid, category=category, symbol=symbol)
    if as_json:
        print_json(ids)
    else:
        click.echo(f"cancelled order {ids.orderId} (clientOid {ids.clientOid})")


@orders.command("cancel-batch")
@click.argument("refs", nargs=-1, required=True)
@category_option()
@click.option("--symbol", required=True)
@signed_options
def orders_cancel_batch(refs: tuple[str, ...], category: str, symbol: str, url: str, api_key: str | None,
                        secret_key: str | None, passphrase: str | None, as_json: bool) -> None:
    """Cancel up to 20 orders in one request; exits 1 if any item failed.

    REFS mix orderIds and clientOids: 19-digit tokens are orderIds, others clientOids; force either with
    an oid: or coid: prefix.
    """
    from .client import CancelBatchItem

    items = []
    for ref in refs:
        order_id, client_oid = parse_ref(ref)
        items.append(CancelBatchItem(category=category, symbol=symbol, orderId=order_id, clientOid=client_oid))
    with reported(url), signed_client(url, api_key, secret_key, passphrase) as c:
        results = c.cancel_batch(items)
    failed = sum(1 for r in results if not r.ok)
    if as_json:
        print_json(results)
    else:
        rows = [[str(i), r.orderId or "-", r.clientOid or "-",
                 "cancelled" if r.ok else f"error {r.code}: {r.msg}"] for i, r in enumerate(results, 1)]
        table(f"cancel-batch: {len(results) - failed} cancelled, {failed} failed",
              ["#", "orderId", "clientOid", "result"], rows)
    if failed:
        raise Failure(f"error: {failed} of {len(results)} cancels failed")


from . import cli_clock, cli_control  # noqa: E402,F401  (register `utaex faults`, `reset`, `clock`, `price`, `state`)

if __name__ == "__main__":  # pragma: no cover
    main()
