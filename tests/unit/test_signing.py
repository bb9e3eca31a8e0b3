from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from utaex.wire import signing
from utaex.wire.signing import (
    generate_rsa_keypair,
    prehash,
    query_variants,
    sign_headers,
    sign_hmac,
    sign_rsa,
    verify_hmac,
    verify_rsa,
    ws_login_sign,
)

# Values taken from common/signature.md ("Sample Code").
DOC_TS = "16273667805456"
DOC_POST_BODY = (
    '{"productType":"usdt-futures","symbol":"BTCUSDT","size":"8","marginMode":"crossed",'
    '"side":"buy","orderType":"limit","clientOid":"channel#123456"}'
)


def _ref_hmac(secret: str, message: str) -> str:
    mac = hmac.new(secret.encode(), message.encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


@pytest.fixture(scope="module")
def keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


# --- prehash -------------------------------------------------------------------------------------


def test_prehash_doc_get_example() -> None:
    got = prehash(DOC_TS, "GET", "/api/mix/v2/market/depth", "limit=20&symbol=BTCUSDT", "")
    assert got == b"16273667805456GET/api/mix/v2/market/depth?limit=20&symbol=BTCUSDT"


def test_prehash_doc_post_example() -> None:
    got = prehash(DOC_TS, "POST", "/api/v2/mix/order/place-order", "", DOC_POST_BODY)
    assert got == ("16273667805456POST/api/v2/mix/order/place-order" + DOC_POST_BODY).encode()


def test_prehash_hmac_page_get_example() -> None:
    # common/signature-samples/hmac.md, GET example
    got = prehash(
        "1684814440729", "get", "/api/v2/mix/account/account", "marginCoin=usdt&symbol=btcusdt", b""
    )
    assert got == b"1684814440729GET/api/v2/mix/account/account?marginCoin=usdt&symbol=btcusdt"


def test_prehash_no_query_no_question_mark() -> None:
    assert prehash("1", "get", "/api/v3/account/assets", "", b"") == b"1GET/api/v3/account/assets"


def test_prehash_bytes_body_kept_verbatim() -> None:
    body = '[{"symbol":"BTCUSDT","note":"é"}]'.encode()
    got = prehash("1", "post", "/api/v3/trade/place-batch", "", body)
    assert got == b"1POST/api/v3/trade/place-batch" + body
    assert prehash("1", "post", "/api/v3/trade/place-batch", "", body.decode()) == got


# --- HMAC ----------------------------------------------------------------------------------------


def test_hmac_rfc4231_vector() -> None:
    # RFC 4231 test case 2
    expected_hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    expected = base64.b64encode(bytes.fromhex(expected_hex)).decode()
    assert sign_hmac("Jefe", b"what do ya want for nothing?") == expected


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (
            "22582BD0CFF14C41EDBF1AB98506286D",
            "16273667805456GET/api/mix/v2/market/depth?limit=20&symbol=BTCUSDT",
        ),
        ("s3cr3t", "16273667805456POST/api/v2/mix/order/place-order" + DOC_POST_BODY),
        ("ключ", "1700000000000GET/api/v3/market/tickers?category=SPOT&symbol=BTC USDT"),
    ],
)
def test_hmac_matches_reference(secret: str, message: str) -> None:
    sig = sign_hmac(secret, message.encode())
    assert sig == _ref_hmac(secret, message)
    assert verify_hmac(secret, message.encode(), sig)


def test_verify_hmac_rejects() -> None:
    msg = b"1GET/api/v3/account/assets"
    sig = sign_hmac("secret", msg)
    assert not verify_hmac("other", msg, sig)
    assert not verify_hmac("secret", msg + b"x", sig)
    assert not verify_hmac("secret", msg, sig[:-2] + "A=")
    assert not verify_hmac("secret", msg, "")
    assert not verify_hmac("secret", msg, "not base64 ✓")


# --- RSA -----------------------------------------------------------------------------------------


def test_generate_rsa_keypair_format(keypair: tuple[str, str]) -> None:
    private_pem, public_pem = keypair
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert key.key_size == 2048  # type: ignore[union-attr]


def test_rsa_roundtrip_and_tamper(keypair: tuple[str, str]) -> None:
    private_pem, public_pem = keypair
    msg = prehash("1684814440729", "POST", "/api/v3/trade/place-order", "", DOC_POST_BODY)
    sig = sign_rsa(private_pem, msg)
    assert len(base64.b64decode(sig)) == 256
    assert verify_rsa(public_pem, msg, sig)
    assert not verify_rsa(public_pem, msg + b" ", sig)
    raw = bytearray(base64.b64decode(sig))
    raw[10] ^= 0x01
    assert not verify_rsa(public_pem, msg, base64.b64encode(bytes(raw)).decode())


def test_rsa_is_deterministic_pkcs1v15(keypair: tuple[str, str]) -> None:
    # PKCS#1 v1.5 signatures are deterministic (PSS would not be).
    private_pem, _ = keypair
    assert sign_rsa(private_pem, b"abc") == sign_rsa(private_pem, b"abc")


def test_rsa_wrong_key(keypair: tuple[str, str]) -> None:
    private_pem, _ = keypair
    _, other_public = generate_rsa_keypair()
    sig = sign_rsa(private_pem, b"hello")
    assert not verify_rsa(other_public, b"hello", sig)


def test_rsa_accepts_bare_base64_public_key(keypair: tuple[str, str]) -> None:
    private_pem, public_pem = keypair
    bare = "".join(line for line in public_pem.splitlines() if not line.startswith("-----"))
    sig = sign_rsa(private_pem, b"hello")
    assert verify_rsa(bare, b"hello", sig)


@pytest.mark.parametrize(
    "bad_sig",
    ["", "!!!!", "abc", "AAAA", "é", base64.b64encode(b"\x00" * 256).decode(), "A" * 10_000],
)
def test_rsa_malformed_signature_is_false(keypair: tuple[str, str], bad_sig: str) -> None:
    _, public_pem = keypair
    assert verify_rsa(public_pem, b"hello", bad_sig) is False


@pytest.mark.parametrize(
    "bad_key",
    ["", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "é"],
)
def test_rsa_malformed_key_is_false(keypair: tuple[str, str], bad_key: str) -> None:
    private_pem, _ = keypair
    sig = sign_rsa(private_pem, b"hello")
    assert verify_rsa(bad_key, b"hello", sig) is False


def test_rsa_private_key_as_public_is_false(keypair: tuple[str, str]) -> None:
    private_pem, _ = keypair
    sig = sign_rsa(private_pem, b"hello")
    assert verify_rsa(private_pem, b"hello", sig) is False


# --- headers / WS --------------------------------------------------------------------------------


def test_sign_headers() -> None:
    body = json.dumps({"category": "SPOT", "symbol": "BTCUSDT"}, separators=(",", ":"))
    h = sign_headers("key", "secret", "pass", "post", "/api/v3/trade/place-order", "", body, 1700000000123)
    assert h["ACCESS-KEY"] == "key"
    assert h["ACCESS-PASSPHRASE"] == "pass"
    assert h["ACCESS-TIMESTAMP"] == "1700000000123"
    assert h["Content-Type"] == "application/json"
    assert h["locale"] == "en-US"
    assert h["ACCESS-SIGN"] == _ref_hmac("secret", "1700000000123POST/api/v3/trade/place-order" + body)


def test_sign_headers_get_with_query_and_default_timestamp() -> None:
    h = sign_headers("k", "s", "p", "GET", "/api/v3/trade/fills", "limit=5&symbol=BTCUSDT", "")
    ts = h["ACCESS-TIMESTAMP"]
    assert ts.isdigit() and len(ts) == 13
    assert h["ACCESS-SIGN"] == _ref_hmac("s", ts + "GET/api/v3/trade/fills?limit=5&symbol=BTCUSDT")


def test_ws_login_sign() -> None:
    for ts in ("1538054050", "1538054050123"):
        assert ws_login_sign("22582BD0CFF14C41EDBF1AB98506286D", ts) == _ref_hmac(
            "22582BD0CFF14C41EDBF1AB98506286D", ts + "GET/user/verify"
        )


# --- query variants ------------------------------------------------------------------------------


def test_query_variants_plain() -> None:
    assert query_variants("category=SPOT&symbol=BTCUSDT") == ["category=SPOT&symbol=BTCUSDT"]
    assert query_variants("") == [""]


def test_query_variants_dollar() -> None:
    assert query_variants("clientOid=%24abc&symbol=BTCUSDT") == [
        "clientOid=%24abc&symbol=BTCUSDT",
        "clientOid=$abc&symbol=BTCUSDT",
    ]


def test_query_variants_space_and_comma() -> None:
    raw = "symbols=BTCUSDT%2CETHUSDT&note=a%20b"
    assert query_variants(raw) == [raw, "symbols=BTCUSDT,ETHUSDT&note=a b"]


def test_query_variants_plus_untouched_and_leading_question_mark() -> None:
    assert query_variants("?a=b+c") == ["a=b+c"]


def test_query_variants_utf8() -> None:
    assert query_variants("coin=%E2%82%AC") == ["coin=%E2%82%AC", "coin=€"]


def test_ccxt_style_get_verifies_via_decoded_variant() -> None:
    # ccxt sends the percent-encoded query but signs the decoded one.
    secret, ts, path = "sec", "1700000000000", "/api/v3/trade/history-orders"
    sent = "category=USDT-FUTURES&clientOid=a%2Cb%20c"
    sig = _ref_hmac(secret, f"{ts}GET{path}?category=USDT-FUTURES&clientOid=a,b c")
    results = [verify_hmac(secret, prehash(ts, "GET", path, q, b""), sig) for q in query_variants(sent)]
    assert results == [False, True]


def test_all_exports() -> None:
    for name in signing.__all__:
        assert hasattr(signing, name)
