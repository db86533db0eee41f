"""The unified SDK (polymarket-client) against lt-paper-exchange: skipped when it did not install.

The SDK only targets its built-in environments; the test points a copy of PRODUCTION's settings at
the paper exchange (every service: CLOB, Gamma, Data API, relayer, RPC on the one server).
"""

import dataclasses
from decimal import Decimal

import pytest

polymarket = pytest.importorskip("polymarket")

from polymarket import PRODUCTION, PublicClient, SecureClient  # noqa: E402
from polymarket.environments import _create_environment  # noqa: E402

from test_official_clients import (  # noqa: E402
    DEPOSIT,
    EOA,
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
