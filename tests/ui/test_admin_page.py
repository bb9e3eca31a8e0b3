"""The admin page: the audit, creating users and keys and depositing through the admin API, by click."""

from __future__ import annotations

from typing import Any

import httpx
from ui_support import expect, login, place, screenshot

from support import ADMIN_TOKEN, Server

PANELS = ("/admin/v1/faults", "/admin/v1/clock", "/admin/v1/prices")


def open_admin(page: Any, server: Server, token: str) -> None:
    page.goto(server.base_url + "/admin")
    page.locator("#admin-token").fill(token)
    page.locator("#token-submit").click()


def test_wrong_token_is_refused_with_the_venues_error(ui_venue: Server, page: Any, console: Any) -> None:
    console.allow(r"Failed to load resource: the server responded with a status of 401 .*/admin/v1/audit")
    open_admin(page, ui_venue, "not-the-token")
    expect(page.locator("#token-error")).to_have_text(
        "Refused by the venue: 40014 Incorrect permissions, admin bearer token required (HTTP 401)")
    expect(page.locator("#app")).to_be_hidden()


def test_audit_users_keys_and_deposits(ui_venue: Server, page: Any) -> None:
    open_admin(page, ui_venue, ADMIN_TOKEN)
    expect(page.locator("#problems")).to_have_text("✓ All invariants hold: no problems found.")
    users_before = int(ui_venue.admin("GET", "/admin/v1/audit")["users"])
    users_first = ui_venue.admin("GET", "/admin/v1/users")["list"][0]["uid"]
    expect(page.locator("#audit-users")).to_have_text(str(users_before))
    known = {"/admin/v1/users", "/admin/v1/users/{uid}/api-keys", "/admin/v1/users/{uid}/deposits", "/admin/v1/audit"}
    paths = httpx.get(ui_venue.base_url + "/openapi.json").json()["paths"]
    extra = [f"{m.upper()} {p}" for p, ops in paths.items() if p.startswith("/admin/") and p not in known for m in ops]
    if extra:  # the admin operations of later features (faults, simulator, clock) are listed as they arrive
        for op in extra:
            if not any(f" {p}" in op for p in PANELS):  # these have panels of their own
                expect(page.locator("#controls")).to_contain_text(op)
    else:
        expect(page.locator("#controls")).to_have_text(
            "This venue serves no other admin operations (simulator, clock) yet.")

    page.locator("#u-BTC").fill("2.5")
    page.locator("#u-submit").click()
    result = page.locator("#user-result")
    expect(result).to_contain_text("Created.")
    creds = {field: result.locator(f"td[data-field='{label}']").inner_text()
             for field, label in (("uid", "UID"), ("apiKey", "API key"), ("secretKey", "Secret key"),
                                  ("passphrase", "Passphrase"))}
    expect(page.locator("#audit-users")).to_have_text(str(users_before + 1))
    row = page.locator(f"#user-{creds['uid']}")
    expect(row).to_contain_text(creds["apiKey"])
    expect(row).to_contain_text("2.5 BTC")
    expect(page.locator("#d-uid")).to_have_value(creds["uid"])

    page.locator("#d-coin").select_option("BTC")
    page.locator("#d-amount").fill("0.75")
    page.locator("#d-submit").click()
    expect(page.locator("#deposit-result")).to_have_text(f"Deposited 0.75 BTC to uid {creds['uid']}")
    with ui_venue.client(creds) as client:
        assets = {a["coin"]: a["balance"] for a in client.get("/api/v3/account/assets")["assets"]}
    assert assets["BTC"] == "3.25" and assets["USDT"] == "100000"

    page.locator("#k-perm").select_option("read")
    page.locator("#k-submit").click()
    expect(page.locator("#key-result")).to_contain_text("uta_read")
    key = {field: page.locator(f"#key-result td[data-field='{label}']").inner_text()
           for field, label in (("apiKey", "API key"), ("secretKey", "Secret key"), ("passphrase", "Passphrase"))}
    with ui_venue.client(key) as client:
        assert client.get("/api/v3/account/settings")["uid"] == creds["uid"]
    expect(row).to_contain_text(key["apiKey"])
    expect(row).to_contain_text("read only")
    listed = page.locator("#users").inner_text()
    assert creds["secretKey"] not in listed and key["secretKey"] not in listed and key["passphrase"] not in listed
    # a click on a user fills its uid into the forms
    page.locator("#d-uid").fill("")
    page.locator(f"#user-{users_first}").click()
    expect(page.locator("#d-uid")).to_have_value(users_first)

    page.locator("#replay").click()
    expect(page.locator("#audit-replayHash")).to_contain_text("(equals the state hash ✓)")
    audit = ui_venue.admin("GET", "/admin/v1/audit")
    expect(page.locator("#coin-BTC td").nth(1)).to_have_text(audit["deposits"]["BTC"])
    expect(page.locator("#coin-BTC td").nth(5)).to_have_text("0 ✓")
    screenshot(page, "admin", full_page=True)


def test_faults_injected_from_the_admin_page_show_on_the_account_page(ui_venue: Server, page: Any) -> None:
    creds = ui_venue.new_user()
    with ui_venue.client(creds) as client:
        ids = [place(client, "buy", str(30000 + i), "0.01") for i in range(3)]
        open_admin(page, ui_venue, ADMIN_TOKEN)
        expect(page.locator("#faults tbody")).to_have_text("No faults: the venue behaves")
        page.locator("#f-path").fill("/api/v3/trade/cancel-batch")
        page.locator("#f-effect").select_option("item_error")
        page.locator("#f-uid").fill(creds["uid"])
        page.locator("#f-count").fill("1")
        page.locator("#f-items").fill("1")
        page.locator("#f-code").fill("25204")
        page.locator("#f-msg").fill("Order does not exist")
        page.locator("#f-submit").click()
        expect(page.locator("#fault-result")).to_contain_text("Injected fault")
        expect(page.locator("#faults tbody tr")).to_have_count(1)
        expect(page.locator("#faults tbody tr")).to_contain_text("item_error")
        [fault] = ui_venue.admin("GET", "/admin/v1/faults")["list"]
        assert fault["items"] == [1] and fault["uid"] == creds["uid"] and fault["count"] == 1
        screenshot(page, "admin-faults", full_page=True)

        # the account page shows the failed item with the venue's code and message, the others cancelled
        login(page, ui_venue, creds)
        expect(page.locator("#open-orders tbody tr")).to_have_count(3)
        page.locator("#select-all").check()
        page.locator("#cancel-selected").click()
        expect(page.locator("#cancel-summary")).to_have_text("1 cancel-batch request (3 orders): 2 cancelled, 1 failed")
        failed = page.locator("#cancel-results tbody tr").nth(1)
        expect(failed.locator("td").nth(4)).to_have_text("failed")
        expect(failed.locator("td").nth(5)).to_have_text("25204")
        expect(failed.locator("td").nth(6)).to_have_text("Order does not exist")
        expect(page.locator("#open-orders tbody tr")).to_have_count(1)
        still_open = [o["orderId"] for o in client.get("/api/v3/trade/unfilled-orders")["list"]]
        assert len(still_open) == 1 and still_open[0] in ids
        expect(page.locator(f"#o-{still_open[0]}")).to_be_visible()

    # the fault was used up; one added and removed by click leaves none
    page.goto(ui_venue.base_url + "/admin")  # the token is kept in this tab
    expect(page.locator("#faults tbody")).to_have_text("No faults: the venue behaves")
    page.locator("#f-effect").select_option("latency")
    page.locator("#f-ms").fill("5")
    page.locator("#f-submit").click()
    expect(page.locator("#faults tbody tr")).to_have_count(1)
    page.locator("#faults tbody button").click()
    expect(page.locator("#faults tbody")).to_have_text("No faults: the venue behaves")
    assert ui_venue.admin("GET", "/admin/v1/faults")["list"] == []
