"""The ``utaex`` command line."""

from __future__ import annotations

import os
from pathlib import Path

import click


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
@click.option("--seed", default=0, show_default=True, type=int, help="Id seed, for reproducible ids.")
@click.option("--log-level", default="warning", show_default=True)
def serve(host: str, port: int, data_dir: Path, durability: str, no_rate_limit: bool, config_path: Path | None,
          seed: int, log_level: str) -> None:
    """Start the venue (creates a funded demo account on first start)."""
    from .gateway.server import serve as run

    run(host, port, data_dir, fsync=durability == "fsync", rate_limit=not no_rate_limit, config_path=config_path,
        admin_token=os.environ.get("UTAEX_ADMIN_TOKEN") or None, seed=seed, log_level=log_level)


if __name__ == "__main__":  # pragma: no cover
    main()
