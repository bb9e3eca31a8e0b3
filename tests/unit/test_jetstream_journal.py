"""The replicated journal's pure parts: the --journal URL and the cutting of large batches into messages."""

from __future__ import annotations

import pytest

from utaex.journal import decode_records, encode_record
from utaex.journal.jetstream import DEFAULT_LEASE_TTL, MAX_MESSAGE, _chunks, parse_journal_url


def test_journal_url() -> None:
    url = parse_journal_url("nats://127.0.0.1:4222/venue_a")
    assert (url.server, url.stream, url.lease_ttl) == ("nats://127.0.0.1:4222", "venue_a", DEFAULT_LEASE_TTL)
    assert url.subject == "utaex.venue_a.journal" and url.bucket == "utaex-lease-venue_a"
    assert parse_journal_url("nats://nats.lan/v?lease=3.5").lease_ttl == 3.5
    assert parse_journal_url("nats://nats.lan/v").server == "nats://nats.lan:4222"


@pytest.mark.parametrize("bad", ["http://h:4222/s", "nats://h:4222", "nats://h:4222/a.b", "nats://h/s?lease=x",
                                 "nats://h/s?lease=0.1", "nats://h/s?replicas=3"])
def test_bad_journal_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="--journal"):
        parse_journal_url(bad)


def test_a_small_batch_is_one_message() -> None:
    blob = b"".join(encode_record(bytes([i]) * 100) for i in range(1, 50))
    assert _chunks(blob) == [(blob, -1)]


def test_a_large_batch_is_cut_at_record_boundaries() -> None:
    records = [bytes([i % 250 + 1]) * (10_000 + i * 37) for i in range(200)]
    records.insert(7, b"x" * (MAX_MESSAGE + 10))  # a record larger than a message travels alone
    blob = b"".join(encode_record(r) for r in records)
    pieces = _chunks(blob)
    assert len(pieces) > 1
    assert b"".join(p for p, _ in pieces) == blob
    got: list[bytes] = []
    for piece, count in pieces:
        payloads, end = decode_records(piece)
        assert end == len(piece) and len(payloads) == count
        assert len(piece) <= MAX_MESSAGE or count == 1
        got += payloads
    assert got == records
