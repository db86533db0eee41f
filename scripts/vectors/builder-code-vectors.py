#!/usr/bin/env python3
"""Reference vectors for V2 orders that carry a non-zero builder code (protocol §5.8), produced by
the official py-clob-client-v2's own order signer, so lt's tests compare against the client rather
than against lt. orders_v2.json (shared/vectors) has only zero builders.

Run in a throwaway virtualenv with the official client from the package index:
    python3 -m venv /tmp/v && /tmp/v/bin/pip install py-clob-client-v2==1.2.1
    /tmp/v/bin/python scripts/vectors/builder-code-vectors.py > Tests/Fixtures/builder/orders_v2_builder.json
"""
import json

from eth_utils import keccak
from py_clob_client_v2.order_utils.exchange_order_builder_v2 import ExchangeOrderBuilderV2
from py_clob_client_v2.order_utils.model.order_data_v2 import OrderDataV2, order_to_json_v2
from py_clob_client_v2.order_utils.model.side import Side
from py_clob_client_v2.order_utils.model.signature_type_v2 import SignatureTypeV2
from py_clob_client_v2.signer import Signer

KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"  # documentation key
OWNER = "11111111-2222-4333-8444-555555555555"
EXCHANGE = {False: "0xE111180000d2663C0091e4f400237545B87B996B", True: "0xe2222d279d744050d28e00520010520000310F59"}
TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
EOA = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
SAFE = "0x907C14d6Cea8e8FC78dD3dB152F0a93f43276b4D"
DEPOSIT = "0xd2C50736787e5eeefA6c2E81496AE56d51D6b7B1"

# (id, signature type, maker, neg_risk, side, makerAmount, takerAmount, order type, builder code)
CASES = [
    ("builder00", 0, EOA, False, Side.BUY, "5000000", "10000000", "GTC",
     "0x" + keccak(text="lt builder code 0").hex()),
    ("builder01", 2, SAFE, True, Side.BUY, "15000000", "28142500", "FOK",
     "0x00000000000000000000000000000000000000000000000000000000000abc12"),
    ("builder02", 3, DEPOSIT, True, Side.SELL, "25000000", "11000000", "FAK",
     "0xf000000000000000000000000000000000000000000000000000000000000001"),
]

out = []
signer = Signer(KEY, 137)
for i, (cid, sig, maker, neg, side, m, t, ot, code) in enumerate(CASES):
    salt = 1_424_245 + i
    ts = str(1_767_225_600_000 + i)
    b = ExchangeOrderBuilderV2(EXCHANGE[neg], 137, signer, generate_salt=lambda s=salt: s)
    data = OrderDataV2(
        maker=maker, tokenId=TOKEN, makerAmount=m, takerAmount=t, side=side,
        signer=maker if sig == 3 else signer.address(), signatureType=SignatureTypeV2(sig),
        timestamp=ts, builder=code)
    order = b.build_signed_order(data)
    typed = b.build_order_typed_data(b.build_order(data))
    body = json.dumps(order_to_json_v2(order, OWNER, ot), separators=(",", ":"), ensure_ascii=False)
    out.append({
        "id": cid,
        "inputs": {"sig": sig, "maker": maker, "neg_risk": neg, "side": "BUY" if side == Side.BUY else "SELL",
                   "makerAmount": m, "takerAmount": t, "order_type": ot, "salt": salt, "timestamp_ms": ts,
                   "token_id": TOKEN, "builder_code": code, "owner": OWNER},
        "exchange": EXCHANGE[neg],
        "order_hash": b.build_order_hash(typed),
        "signature": order.signature,
        "body_exact": body,
    })
print(json.dumps({"generated_by": "py-clob-client-v2 1.2.1 ExchangeOrderBuilderV2 (scripts/vectors/builder-code-vectors.py)",
                  "vectors": out}, indent=1))
