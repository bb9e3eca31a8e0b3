"""gateway/bodies.py on its own: a JSON number in a string field is its exact decimal text, whatever its spelling
(property test against Python's ``Decimal`` as the reference), and nothing else changes type."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utaex.gateway.bodies import convert_body, decode_body
from utaex.gateway.errors import ApiError
from utaex.wire.requests import CountdownRequest, PlaceOrderRequest

HEAD = '{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": '


def qty_of(number_text: str) -> str:
    return decode_body((HEAD + number_text + ', "x": [1]}').encode(), PlaceOrderRequest).qty


@given(st.integers(0, 10**30), st.integers(0, 30), st.sampled_from(["", "e", "E"]), st.integers(-30, 30))
def test_any_spelling_of_a_number_is_its_exact_value(digits: int, scale: int, exp: str, power: int) -> None:
    text = str(digits)
    if scale:
        text = text.rjust(scale + 1, "0")
        text = text[:-scale] + "." + text[-scale:]
    if exp:
        text += f"{exp}{power}"
    got = qty_of(text)
    assert Decimal(got) == Decimal(text)
    assert "e" not in got.lower()  # plain digits, as a string amount is written
    if not exp:
        assert got == text  # a plain decimal is passed on exactly as written


def test_long_numbers_and_unreadable_types_are_refused() -> None:
    for text in ("1e-400", "1e65", "9" * 80, "true", '{"v": 1}', "[1]"):
        with pytest.raises(ApiError) as err:
            qty_of(text)
        assert err.value.code == "40017", text


def test_decoded_values_convert_the_same_way() -> None:
    """What the WebSocket trade ops use: JSON already decoded with numbers as int/Decimal."""
    assert convert_body({"countdown": 30, "extra": {"a": 1}}, CountdownRequest).countdown == "30"
    assert convert_body({"countdown": Decimal("1E+1")}, CountdownRequest).countdown == "10"
    with pytest.raises(ApiError) as err:
        convert_body({"countdown": 3.5}, CountdownRequest)  # a float is never read: it could not be exact
    assert err.value.code == "40017"
    with pytest.raises(ApiError) as err:
        convert_body({}, CountdownRequest)
    assert (err.value.code, err.value.msg) == ("40034", "Parameter countdown does not exist")
    assert decode_body(json.dumps({"countdown": "5"}).encode(), CountdownRequest).countdown == "5"
