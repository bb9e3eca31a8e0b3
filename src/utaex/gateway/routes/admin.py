"""Admin API (bearer token): create users and keys, deposit funds. Same envelope as Bitget."""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...core.commands import CreateApiKey, CreateUser, Deposit
from ...core.ledger import Account, ApiKey
from ...core.numbers import DP, NumberError, parse_fixed
from ...wire.requests import CreateKeyRequest, CreateUserRequest, DepositRequest
from ...wire.signing import load_rsa_public_key
from .. import params as P
from ..commands import raise_reject
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request
    from ..venue import Venue

ALNUM = string.ascii_letters + string.digits


def new_credentials() -> tuple[str, str, str]:
    api_key = "bg_" + secrets.token_hex(16)
    secret = secrets.token_hex(32)
    passphrase = "".join(secrets.choice(ALNUM) for _ in range(16))
    return api_key, secret, passphrase


def key_doc(uid: int, api_key: str, secret: str, passphrase: str, read_only: bool) -> dict[str, Any]:
    return {"uid": str(uid), "apiKey": api_key, "secretKey": secret, "passphrase": passphrase,
            "permissions": ["uta_read"] if read_only else ["uta_read", "uta_trade"]}


def _positive_amount(text: str) -> bool:
    """A deposit amount the engine accepts: a positive decimal with at most 18 decimals."""
    try:
        units, exact = parse_fixed(text, DP)
    except NumberError:
        return False
    return exact and units > 0


async def create_user(venue: Venue, balances: dict[str, str], read_only: bool = False) -> dict[str, Any]:
    for coin, amount in balances.items():  # all checked before anything is created: all or nothing
        if coin not in venue.instruments.coins:
            raise ApiError(X.COIN_NOT_FOUND)
        if not isinstance(amount, str) or not _positive_amount(amount):
            raise param_error(f"balances.{coin}")
    api_key, secret, passphrase = new_credentials()
    acct = await venue.execute(CreateUser(ts=venue.now_ms(), api_key=api_key, secret=secret,
                                          passphrase=passphrase, read_only=read_only))
    raise_reject(acct)
    assert isinstance(acct, Account)
    for coin, amount in balances.items():
        raise_reject(await venue.execute(Deposit(ts=venue.now_ms(), uid=acct.uid, coin=coin, amount=amount)))
    return key_doc(acct.uid, api_key, secret, passphrase, read_only)


def check_rsa_public_key(pem: str) -> None:
    """Refuse, at creation, an RSA key that could never verify a signature (HTTP 400, 40017)."""
    try:
        load_rsa_public_key(pem)
    except ValueError:
        detail = "rsaPublicKey: not an RSA public key (PEM SubjectPublicKeyInfo or its base64 body)"
        raise param_error(detail) from None


def register(app: App) -> None:
    venue = app.venue

    @app.route("POST", "/admin/v1/users", auth="admin")
    async def users(req: Request) -> Any:
        body = P.decode_body(req.body or b"{}", CreateUserRequest)
        return await create_user(venue, body.balances, body.readOnly)

    def uid_of(req: Request, suffix: str) -> int:
        raw = req.path[len("/admin/v1/users/"):-len(suffix)]
        if not P.is_uint(raw) or len(raw) > 19 or venue.engine.account(int(raw)) is None:
            raise ApiError(X.USER_NOT_FOUND)
        return int(raw)

    async def create_key(req: Request) -> Any:
        uid = uid_of(req, "/api-keys")
        body = P.decode_body(req.body or b"{}", CreateKeyRequest)
        if body.rsaPublicKey:
            check_rsa_public_key(body.rsaPublicKey)
        api_key, secret, passphrase = new_credentials()
        result = await venue.execute(CreateApiKey(ts=venue.now_ms(), uid=uid, api_key=api_key, secret=secret,
                                                  passphrase=passphrase, read_only=body.readOnly,
                                                  rsa_public_key=body.rsaPublicKey or ""))
        raise_reject(result)
        assert isinstance(result, ApiKey)
        return key_doc(uid, api_key, secret, passphrase, body.readOnly)

    async def deposit(req: Request) -> Any:
        uid = uid_of(req, "/deposits")
        body = P.decode_body(req.body, DepositRequest)
        raise_reject(await venue.execute(Deposit(ts=venue.now_ms(), uid=uid, coin=body.coin, amount=body.amount)))
        return "success"

    @app.route("GET", "/admin/v1/users", auth="admin")
    async def list_users(req: Request) -> Any:
        """Users by uid, with their keys (no secrets), balances, deposits and open orders."""
        from ...core.numbers import fmt_amount

        q = req.query
        limit = P.int_param(q, "limit", 100, 1, 500)
        cursor = q.get("cursor") or ""
        if cursor and not (P.is_uint(cursor) and len(cursor) < 20):
            raise param_error("cursor")
        eng = venue.engine
        keys: dict[int, list[dict[str, Any]]] = {}
        for k in eng.keys.values():
            keys.setdefault(k.uid, []).append({
                "apiKey": k.api_key, "permissions": ["uta_read"] if k.read_only else ["uta_read", "uta_trade"],
                "signature": "rsa" if k.rsa_public_key else "hmac"})
        after = int(cursor) if cursor else -1
        uids = sorted(u for u in eng.accounts if u > after)[:limit]
        out = []
        for uid in uids:
            acct = eng.accounts[uid]
            out.append({"uid": str(uid), "apiKeys": keys.get(uid, []),
                        "balances": {c: fmt_amount(a.balance) for c, a in sorted(acct.assets.items())},
                        "deposits": {c: fmt_amount(v) for c, v in sorted(acct.deposited.items())},
                        "openOrders": str(acct.open_spot + acct.open_futures)})
        return {"list": out, "cursor": str(uids[-1]) if len(uids) == limit else ""}

    @app.route("GET", "/admin/v1/audit", auth="admin")
    async def audit_state(req: Request) -> Any:
        """Invariant check, state hash and (with ?replay=1) the hash of a full journal replay."""
        from ...core import audit
        from ...core.numbers import fmt_amount

        if venue.committer is not None:
            await venue.committer.drain()
        eng = venue.engine
        totals: dict[str, int] = {}
        for acct in eng.accounts.values():
            for coin, asset in acct.assets.items():
                totals[coin] = totals.get(coin, 0) + asset.balance
        doc: dict[str, Any] = {
            "problems": audit.check(eng),
            "stateHash": eng.state_hash(),
            "journalSeq": str(venue.next_seq - 1),
            "openOrders": str(eng.open_order_count()),
            "journalFlushes": str(venue.committer.flushes if venue.committer else 0),
            "historyUnrecorded": str(venue.unrecorded),  # read before history() records them
            "historyBacklog": str(venue.history().backlog()),
            "users": str(len(eng.accounts)),
            "deposits": {c: fmt_amount(v) for c, v in sorted(eng.deposits.items())},
            "fees": {c: fmt_amount(v) for c, v in sorted(eng.fees.items())},
            "balances": {c: fmt_amount(v) for c, v in sorted(totals.items())},
            "insuranceFund": {c: fmt_amount(v) for c, v in sorted(eng.insurance.items())},
            "faults": [f.doc() for f in app.faults.active.values()],
        }
        if req.query.get("replay") == "1":
            doc["replayHash"] = venue.full_replay_hash()
        return doc

    @app.route("GET", "/admin/v1/replication", auth="admin")
    async def replication_state(req: Request) -> Any:
        """This venue's role on the replicated journal (docs/scale-out.md)."""
        rep = app.replication
        if rep is None:
            return {"role": "primary", "writable": venue.failed is None, "primary": "", "journal": "local",
                    "streamSeq": "", "journalSeq": str(venue.next_seq - 1), "leaseTtl": "", "fenced": ""}
        return rep.state()

    app.prefix_routes.append(("POST", "/admin/v1/users/", "/api-keys", create_key))
    app.prefix_routes.append(("POST", "/admin/v1/users/", "/deposits", deposit))
