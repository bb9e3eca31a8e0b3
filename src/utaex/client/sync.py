"""Synchronous client (httpx)."""

from __future__ import annotations

from typing import Any

import httpx

from .base import DEFAULT_BASE_URL, Credentials, build_request, unwrap


class Client:
    def __init__(self, api_key: str | None = None, secret: str | None = None, passphrase: str | None = None, *,
                 base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0) -> None:
        self.creds = Credentials(api_key, secret, passphrase) if api_key and secret and passphrase else None
        self.http = httpx.Client(base_url=base_url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None,
                *, signed: bool = True) -> Any:
        url, headers, raw = build_request(self.creds if signed else None, method, path, params, body)
        resp = self.http.request(method, url, headers=headers, content=raw if body is not None else None)
        return unwrap(resp.status_code, resp.content)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, None, body)
