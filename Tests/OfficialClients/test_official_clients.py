"""Drives lt-paper-exchange with the official Polymarket Python clients, unchanged.

Run by scripts/official-clients-test.sh, which installs the pinned clients into a throwaway
virtualenv and sets PAPER_EXCHANGE_BIN. Whatever the client sends must be answered as the live
venue would (polymarket-protocol.md §5.7-§7); where the client and the venue disagree (market-order
decimals on fine ticks), the venue's answer is what is asserted.
"""

import os
import subprocess
from decimal import Decimal

import pytest

from py_clob_client_v2 import (
    ApiCreds,
    AssetType,
    BalanceAllowanceParams,
    BookParams,
    ClobClient,
    MarketOrderArgs,
    OrderArgs,
    OrderMarketCancelParams,
    OrderPayload,
    OrderType,
    PostOrdersV2Args,
    TradeParams,
)
from py_clob_client_v2.exceptions import PolyApiException

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "scenario.json")

# The reference vectors' throwaway key (Tests/Fixtures/vectors/README.md) and its wallets.
KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
EOA = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
PROXY = "0x96a9892De6A11FE0B18Cf63373B9763055EcA8a6"
SAFE = "0x907C14d6Cea8e8FC78dD3dB152F0a93f43276b4D"
DEPOSIT = "0xd2C50736787e5eeefA6c2E81496AE56d51D6b7B1"
API_KEY = "11111111-2222-4333-8444-555555555555"
WALLETS = [(0, EOA), (1, PROXY), (2, SAFE), (3, DEPOSIT)]

STANDARD = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"
YES = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
NEG_RISK_YES = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
FEE_MARKET = "0x" + "ab" * 32
FEE_YES = "1" + "0" * 75 + "1"
FINE_YES = "2" + "0" * 75 + "1"


@pytest.fixture(scope="module")
def url():
    binary = os.environ["PAPER_EXCHANGE_BIN"]
    proc = subprocess.Popen(
        [binary, "--scenario", SCENARIO, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline().strip()
    assert line.startswith("listening on "), f"unexpected first line: {line!r}"
    yield line[len("listening on "):]
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def creds(url):
    return ClobClient(url, 137, key=KEY).create_or_derive_api_key()


def client(url, creds, signature_type=0, funder=None):
    return ClobClient(url, 137, key=KEY, creds=creds, signature_type=signature_type, funder=funder)


def api_error(excinfo):
    err = excinfo.value.error_msg
    return err.get("error", "") if isinstance(err, dict) else str(err)


def test_l1_derives_the_scenarios_credentials(url, creds):
    assert isinstance(creds, ApiCreds)
    assert creds.api_key == API_KEY
    derived = ClobClient(url, 137, key=KEY).derive_api_key()
    assert derived.api_key == API_KEY and derived.api_passphrase == creds.api_passphrase
    assert API_KEY in str(client(url, creds).get_api_keys())


def test_public_reads(url, creds):
    c = client(url, creds)
    assert c.get_ok() == "OK"
    assert c.get_version() == 2
    book = c.get_order_book(YES)
    assert book["asks"][-1]["price"] == "0.5" and book["bids"][-1]["price"] == "0.48"
    assert c.get_tick_size(YES) == "0.01"
    assert c.get_neg_risk(NEG_RISK_YES) is True
    assert c.get_midpoint(YES) == {"mid": "0.49"}
    assert c.get_spread(YES) == {"spread": "0.02"}
    assert c.get_price(YES, "BUY") == {"price": "0.48"}
    assert c.get_midpoints([BookParams(token_id=YES)]) == {YES: "0.49"}
    assert c.get_spreads([BookParams(token_id=YES)]) == {YES: "0.02"}
    prices = c.get_prices([BookParams(token_id=YES, side="BUY"), BookParams(token_id=YES, side="SELL")])
    assert prices == {YES: {"BUY": "0.48", "SELL": "0.5"}}
    assert c.get_market(STANDARD)["condition_id"] == STANDARD
    markets = c.get_markets()
    assert markets["next_cursor"] == "LTE=" and STANDARD in [m["condition_id"] for m in markets["data"]]
    assert isinstance(c.get_server_time(), int)
    assert c.get_closed_only_mode() == {"closed_only": False}
    info = c.get_clob_market_info(FEE_MARKET)
    assert info["fd"] == {"r": 0.02, "e": 1, "to": True}


@pytest.mark.parametrize("signature_type,funder", WALLETS)
def test_limit_order_every_signature_type(url, creds, signature_type, funder):
    c = client(url, creds, signature_type, funder)
    for token in (YES, NEG_RISK_YES):
        res = c.create_and_post_order(OrderArgs(token_id=token, price=0.2, size=10, side="BUY"))
        assert res["success"] is True and res["status"] == "live", res
        order = c.get_order(res["orderID"])
        assert order["status"] == "LIVE" and order["maker_address"].lower() == funder.lower()
        canceled = c.cancel_order(OrderPayload(orderID=res["orderID"]))
        assert canceled["canceled"] == [res["orderID"]]


@pytest.mark.parametrize("signature_type,funder", WALLETS)
def test_market_orders_every_signature_type(url, creds, signature_type, funder):
    c = client(url, creds, signature_type, funder)
    before = c.get_balance_allowance(BalanceAllowanceParams(asset_type=AssetType.COLLATERAL))
    shares = c.get_balance_allowance(BalanceAllowanceParams(asset_type=AssetType.CONDITIONAL, token_id=YES))
    assert int(shares["balance"]) > 0
    # A $3 BUY (6 shares at 0.50): market orders need $1, not the 5-share minimum.
    buy = c.create_and_post_market_order(MarketOrderArgs(token_id=YES, amount=3, side="BUY"))
    assert buy["success"] is True and buy["status"] == "matched", buy
    assert Decimal(buy["makingAmount"]) == 3 and Decimal(buy["takingAmount"]) >= 6
    sell = c.create_and_post_market_order(
        MarketOrderArgs(token_id=YES, amount=4, side="SELL"), order_type=OrderType.FAK
    )
    assert sell["success"] is True and Decimal(sell["makingAmount"]) == 4, sell
    trades = c.get_trades(TradeParams(id=buy["tradeIDs"][0]))
    assert len(trades) == 1 and trades[0]["side"] == "BUY" and trades[0]["maker_address"].lower() == funder.lower()
    order = c.get_order(buy["orderID"])
    assert order["status"] == "MATCHED"
    # The BUY spent exactly $3 of this wallet's collateral; the SELL brought back 4 × 0.48.
    after = c.update_balance_allowance(BalanceAllowanceParams(asset_type=AssetType.COLLATERAL))
    assert int(before["balance"]) - int(after["balance"]) == 3_000_000 - 1_920_000
    page = c.get_trades_paginated(TradeParams(maker_address=funder))
    assert page["next_cursor"] == "LTE=" and len(page["trades"]) >= 2


def test_a_marketable_buy_spends_its_collateral_and_pays_the_fee(url, creds):
    c = client(url, creds)
    # Limit 0.51 against asks at 0.50: $20 buys 40 shares, not 20/0.51.
    res = c.create_and_post_market_order(MarketOrderArgs(token_id=FEE_YES, amount=20, side="BUY", price=0.51))
    assert res["success"] is True, res
    assert Decimal(res["makingAmount"]) == 20 and Decimal(res["takingAmount"]) == 40
    trade = c.get_trades(TradeParams(id=res["tradeIDs"][0]))[0]
    # 0.02 × 0.5 × 0.5 = 50 bps of each share; 40 shares pay 0.2 on top of the $20.
    assert Decimal(trade["fee_rate_bps"]) == 50
    assert Decimal(trade["paper_fee"]) == Decimal("0.2")


def test_batch_answers_each_order(url, creds):
    c = client(url, creds)
    good = c.create_order(OrderArgs(token_id=YES, price=0.21, size=10, side="BUY"))
    small = c.create_order(OrderArgs(token_id=YES, price=0.21, size=2, side="BUY"))
    res = c.post_orders([PostOrdersV2Args(order=good), PostOrdersV2Args(order=small)])
    assert isinstance(res, list) and len(res) == 2, res
    assert res[0]["success"] is True and res[0]["status"] == "live"
    assert res[1]["success"] is False and "minimum order size" in res[1]["errorMsg"]
    open_ids = [o["id"] for o in c.get_open_orders()]
    assert res[0]["orderID"] in open_ids and res[1]["orderID"] not in open_ids
    c.cancel_all()


def test_last_trade_price_has_the_takers_side(url, creds):
    c = client(url, creds)
    c.create_and_post_market_order(MarketOrderArgs(token_id=YES, amount=2, side="BUY"))
    assert c.get_last_trade_price(YES) == {"price": "0.5", "side": "BUY"}
    last = c.get_last_trades_prices([BookParams(token_id=YES)])
    assert last == [{"token_id": YES, "price": "0.5", "side": "BUY"}]


def test_cancels(url, creds):
    c = client(url, creds)
    ids = [
        c.create_and_post_order(OrderArgs(token_id=YES, price=p, size=5, side="BUY"))["orderID"]
        for p in (0.1, 0.11, 0.12, 0.13)
    ]
    assert c.cancel_orders(ids[:2])["canceled"] == ids[:2]
    res = c.cancel_market_orders(OrderMarketCancelParams(market=STANDARD))
    assert sorted(res["canceled"]) == sorted(ids[2:])
    assert c.cancel_order(OrderPayload(orderID=ids[0]))["not_canceled"] == {ids[0]: "order already canceled"}
    assert c.cancel_all() == {"canceled": [], "not_canceled": {}}


def test_a_tampered_order_has_an_invalid_signature(url, creds):
    c = client(url, creds)
    order = c.create_order(OrderArgs(token_id=YES, price=0.2, size=10, side="BUY"))
    order.makerAmount = str(int(order.makerAmount) + 10_000)
    with pytest.raises(PolyApiException) as excinfo:
        c.post_order(order)
    assert excinfo.value.status_code == 400 and api_error(excinfo) == "invalid signature"


def test_below_the_minimums(url, creds):
    c = client(url, creds)
    with pytest.raises(PolyApiException) as limit:
        c.create_and_post_order(OrderArgs(token_id=YES, price=0.2, size=4, side="BUY"))
    assert "minimum order size is 5" in api_error(limit)
    with pytest.raises(PolyApiException) as market:
        c.create_and_post_market_order(MarketOrderArgs(token_id=YES, amount=0.5, side="BUY"))
    assert "min size: $1" in api_error(market)


def test_the_venue_caps_market_order_decimals_where_the_sdk_does_not(url, creds):
    # On a 0.001 tick the client's table gives the taker 5 decimals ($15 at 0.533 → 28.14258
    # shares); the venue allows 4 and refuses the order every time (protocol §5.8).
    c = client(url, creds)
    with pytest.raises(PolyApiException) as excinfo:
        c.create_and_post_market_order(MarketOrderArgs(token_id=FINE_YES, amount=15, side="BUY", price=0.533))
    assert api_error(excinfo).startswith("invalid amounts, the market buy orders maker amount")


def test_wrong_api_credentials_are_unauthorized(url, creds):
    bad = ApiCreds(api_key=creds.api_key, api_secret=creds.api_secret, api_passphrase="wrong")
    with pytest.raises(PolyApiException) as excinfo:
        client(url, bad).get_open_orders()
    assert excinfo.value.status_code == 401
