"""The unified SDK (polymarket-client) against lt-paper-exchange: skipped when it did not install.

The SDK only targets its built-in environments; the test points a copy of PRODUCTION's settings at
the paper exchange (every service: CLOB, Gamma, Data API, relayer, RPC on the one server).
"""

import dataclasses
from decimal import Decimal

import pytest

polymarket = pytest.importorskip("polymarket")

from polymarket import PRODUCTION, PublicClient, RequestRejectedError, SecureClient  # noqa: E402
from polymarket.environments import _create_environment  # noqa: E402

from test_official_clients import (  # noqa: E402
    DEPOSIT,
    EOA,
    FEE_YES,
    KEY,
    PROXY,
    SAFE,
    STANDARD,
    YES,
    url,  # noqa: F401  (the module-scoped exchange fixture)
)


@pytest.fixture(scope="module")
def paper_env(url):  # noqa: F811
    config = dataclasses.replace(
        PRODUCTION._config,
        clob_url=url,
        gamma_url=url,
        data_url=url,
        relayer_url=url,
        rpc_url=url + "/rpc",
    )
    return _create_environment(name="paper", config=config)


def test_public_reads(paper_env):
    c = PublicClient(paper_env)
    assert c.get_midpoint(asset_id=YES) == Decimal("0.49")
    assert c.get_spread(asset_id=YES) == Decimal("0.02")
    assert c.get_midpoints(asset_ids=[YES]) == {YES: Decimal("0.49")}
    assert c.get_spreads(asset_ids=[YES]) == {YES: Decimal("0.02")}
    book = c.get_order_book(asset_id=YES)
    assert book is not None
    # Gamma by numeric id and by slug (the CLOB's /markets/{condition_id} shares the prefix).
    by_id = c.get_market(id="1")
    by_slug = c.get_market(slug="official-standard")
    assert by_id.condition_id == by_slug.condition_id == STANDARD


@pytest.mark.parametrize("wallet", [EOA, PROXY, SAFE, DEPOSIT])
def test_trading_from_every_wallet(paper_env, wallet):
    # For proxy / Safe / deposit wallets the SDK first asks the relayer's /deployed.
    c = SecureClient.create(private_key=KEY, wallet=wallet, environment=paper_env)
    limit = c.place_limit_order(asset_id=YES, price="0.2", size="10", side="BUY")
    assert limit.ok, limit
    assert limit.status == "live"
    canceled = c.cancel_order(order_id=limit.order_id)
    assert limit.order_id in canceled.canceled
    market = c.place_market_order(asset_id=YES, side="BUY", amount="3", order_type="FOK")
    assert market.ok, market
    assert market.making_amount == Decimal("3") and market.taking_amount >= 6
    last = c.get_last_trade_price(asset_id=YES)
    assert last is not None and last.side == "BUY"


def test_a_batch_answers_each_order(paper_env):
    c = SecureClient.create(private_key=KEY, wallet=EOA, environment=paper_env)
    good = c.create_limit_order(asset_id=YES, price="0.22", size="10", side="BUY")
    small = c.create_limit_order(asset_id=YES, price="0.22", size="2", side="BUY")
    accepted, rejected = c.post_orders([good, small])
    assert accepted.ok and accepted.status == "live"
    assert not rejected.ok and "minimum order size" in rejected.message
    canceled = c.cancel_market_orders(market=STANDARD)
    assert accepted.order_id in canceled.canceled


def test_account_reads_and_cancels(paper_env):
    from polymarket.models.clob.requests import PriceRequest  # noqa: E402  (the SDK's own type)

    c = SecureClient.create(private_key=KEY, wallet=SAFE, environment=paper_env)
    prices = c.get_prices(requests=[PriceRequest(YES, "BUY"), PriceRequest(YES, "SELL")])
    assert prices == {YES: {"BUY": Decimal("0.48"), "SELL": Decimal("0.5")}}
    balance = c.get_balance_allowance(asset_type="COLLATERAL")
    assert balance.balance > 0
    ids = [c.place_limit_order(asset_id=YES, price=p, size="5", side="BUY").order_id for p in ("0.1", "0.11")]
    open_ids = {o.id for o in c.list_open_orders(asset_id=YES).iter_items()}
    assert set(ids) <= open_ids
    assert c.get_order(order_id=ids[0]).id == ids[0]
    assert set(c.cancel_orders(order_ids=ids[:1]).canceled) == set(ids[:1])
    assert set(c.cancel_all().canceled) == set(ids[1:])
    sell = c.place_market_order(asset_id=YES, side="SELL", shares="5")
    assert sell.ok and sell.making_amount == Decimal("5"), sell
    trades = list(c.list_account_trades(asset_id=YES).iter_items())
    assert trades and all(t.fee_rate_bps == 0 for t in trades)
    last = c.get_last_trade_prices(asset_ids=[YES])
    assert last[0].asset_id == YES and last[0].side == "SELL"


def test_the_fee_and_the_minimums(paper_env):
    c = SecureClient.create(private_key=KEY, wallet=EOA, environment=paper_env)
    # The SDK sizes a max_spend BUY so that amount + fee fits; the exchange charges the fee on top.
    buy = c.place_market_order(asset_id=FEE_YES, side="BUY", amount="10", max_price="0.5", order_type="FOK")
    assert buy.ok, buy
    assert buy.making_amount == Decimal("10") and buy.taking_amount == Decimal("20")
    trade = next(c.list_account_trades(id=buy.trade_ids[0]).iter_items())
    assert trade.fee_rate_bps == Decimal("50")
    # A single refused order is an HTTP 400 {"error"}, which the SDK raises.
    with pytest.raises(RequestRejectedError, match=r"min size: \$1"):
        c.place_market_order(asset_id=YES, side="BUY", amount="0.5", order_type="FOK")
