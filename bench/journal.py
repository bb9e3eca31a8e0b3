"""Journal group-commit benchmark: appends/s and fsyncs per record for 1, 8 and 32 writers.

Each asyncio writer loops: append a ~200-byte payload to an ``AsyncGroupCommitter`` (fsync on)
and await its durability future. Every run uses a fresh temporary directory on the default
temp filesystem (set TMPDIR to benchmark another disk). Prints a table, then as the last line
one JSON object with the median figures.

    python bench/journal.py [--quick] [--dir PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from utaex.journal import AsyncGroupCommitter, JournalWriter, journal_path

WRITER_COUNTS = (1, 8, 32)
PAYLOAD = b"B" * 200


async def _one_run(data_dir: Path, writers: int, seconds: float) -> tuple[float, float]:
    writer = JournalWriter(journal_path(data_dir, 1), fsync=True)
    committer = AsyncGroupCommitter(writer)
    committer.start()
    deadline = time.perf_counter() + seconds
    done = 0

    async def loop(index: int) -> None:
        nonlocal done
        payload = PAYLOAD + index.to_bytes(4, "little")
        while time.perf_counter() < deadline:
            await committer.append(payload)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(i) for i in range(writers)))
    elapsed = time.perf_counter() - started
    await committer.close()
    return done / elapsed, writer.fsync_count / max(committer.records, 1)


def _bench(writers: int, runs: int, seconds: float, base: str | None) -> tuple[list[float], list[float]]:
    rates, fsyncs = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="utaex-journal-bench-", dir=base) as tmp:
            rate, per_record = asyncio.run(_one_run(Path(tmp), writers, seconds))
        rates.append(rate)
        fsyncs.append(per_record)
    return rates, fsyncs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (~10 s total)")
    parser.add_argument("--dir", default=None, help="parent directory for the temp journals")
    args = parser.parse_args()
    runs, seconds = (3, 1.0) if args.quick else (5, 3.0)

    summary: dict[str, float] = {}
    print(f"{'writers':>7} {'appends/s (median)':>19} {'min':>10} {'max':>10} {'fsyncs/record':>14}")
    for writers in WRITER_COUNTS:
        rates, fsyncs = _bench(writers, runs, seconds, args.dir)
        median_rate = statistics.median(rates)
        median_fsyncs = statistics.median(fsyncs)
        summary[f"writers_{writers}_appends_per_s"] = round(median_rate, 1)
        summary[f"fsyncs_per_record_{writers}"] = round(median_fsyncs, 4)
        print(
            f"{writers:>7} {median_rate:>19,.0f} {min(rates):>10,.0f} {max(rates):>10,.0f} "
            f"{median_fsyncs:>14.4f}"
        )
    ratio = summary["writers_32_appends_per_s"] / summary["writers_1_appends_per_s"]
    summary["ratio_32_vs_1"] = round(ratio, 2)
    print(f"32 writers vs 1 writer: {ratio:.1f}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
