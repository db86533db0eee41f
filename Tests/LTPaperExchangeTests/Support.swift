import Foundation
import LTCore

@testable import LTPaperExchange

/// Paths and small builders shared by the paper-exchange tests.
enum Paths {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let demo = repo.appendingPathComponent("examples/demo.json").path
    static let vectors = repo.appendingPathComponent("Tests/Fixtures/vectors")

    static func vector(_ name: String) throws -> JSON {
        try JSON.parse(Data(contentsOf: vectors.appendingPathComponent(name)))
    }
}

/// The reference vectors' key, address and L2 credentials (vectors/README.md).
enum TestKey {
    static let privateKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    static let proxy = "0x96a9892De6A11FE0B18Cf63373B9763055EcA8a6"
    static let safe = "0x907C14d6Cea8e8FC78dD3dB152F0a93f43276b4D"
    static let deposit = "0xd2C50736787e5eeefA6c2E81496AE56d51D6b7B1"
    static let apiKey = "11111111-2222-4333-8444-555555555555"
    static let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let passphrase = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
}

/// A one-market scenario built in code, so each test states the book it trades against.
struct TestScenario {
    static let standardCid = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"
    static let negRiskCid = "0x9c1a953fe92c8357f1b646ba25d983aa83e90c525992db14fb726fa895cb5763"
    static let yes = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
    static let no = "71321045679252212594626385532706912750332728571942532289631379312455583992564"
    static let nrYes = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
    static let nrNo = "52114319501245915516055106046884209969926127482827954674443846427813813222427"

    var tick = "0.01"
    var negRiskTick = "0.01"
    var minSize = "5"
    var asks: [(String, String)] = [("0.50", "100"), ("0.52", "100")]
    var bids: [(String, String)] = [("0.48", "100"), ("0.46", "100")]
    var collateral = "1000"
    var yesShares = "50"
    var nrYesShares = "0"
    /// The standard market's fee schedule (rate, exponent, taker only); nil = no `fee_schedule`.
    var fee: (rate: String, exponent: Int, takerOnly: Bool)?

    func levels(_ ls: [(String, String)]) -> JSON {
        .array(ls.map { .object([("price", .string($0.0)), ("size", .string($0.1))]) })
    }

    var json: JSON {
        let creds = JSON.object([
            ("api_key", .string(TestKey.apiKey)), ("secret", .string(TestKey.secret)),
            ("passphrase", .string(TestKey.passphrase)),
        ])
        func wallet(_ address: String, _ type: Int, _ positions: [(String, String)]) -> JSON {
            .object([
                ("address", .string(address)), ("owner", .string(TestKey.address)), ("signature_type", .int(type)),
                ("credentials", creds), ("collateral", .string(collateral)),
                (
                    "positions",
                    .array(positions.map { .object([("token_id", .string($0.0)), ("size", .string($0.1))]) })
                ),
            ])
        }
        func market(_ cid: String, _ tick: String, _ negRisk: Bool, _ tokens: (String, String)) -> JSON {
            var pairs: [(String, JSON)] = [
                ("condition_id", .string(cid)), ("question", "Test?"), ("slug", "test"), ("tick_size", .string(tick)),
                ("min_order_size", .string(minSize)), ("neg_risk", .bool(negRisk)),
                (
                    "outcomes",
                    .array([
                        .object([("outcome", "Yes"), ("token_id", .string(tokens.0))]),
                        .object([("outcome", "No"), ("token_id", .string(tokens.1))]),
                    ])
                ),
            ]
            if let fee, cid == Self.standardCid {
                pairs.append(
                    (
                        "fee_schedule",
                        .object([
                            ("rate", .string(fee.rate)), ("exponent", .int(fee.exponent)),
                            ("taker_only", .bool(fee.takerOnly)),
                        ])
                    ))
            }
            return .object(pairs)
        }
        return .object([
            (
                "clock",
                .object([
                    ("start", .int(1_767_225_600)), ("mined_after_seconds", .int(2)),
                    ("confirmed_after_seconds", .int(5)),
                ])
            ),
            (
                "markets",
                .array([
                    market(Self.standardCid, tick, false, (Self.yes, Self.no)),
                    market(Self.negRiskCid, negRiskTick, true, (Self.nrYes, Self.nrNo)),
                ])
            ),
            (
                "books",
                .array([
                    .object([("token_id", .string(Self.yes)), ("bids", levels(bids)), ("asks", levels(asks))]),
                    .object([("token_id", .string(Self.nrYes)), ("bids", levels(bids)), ("asks", levels(asks))]),
                ])
            ),
            (
                "wallets",
                .array([
                    wallet(TestKey.address, 0, [(Self.yes, yesShares), (Self.nrYes, nrYesShares)]),
                    wallet(TestKey.proxy, 1, [(Self.yes, yesShares), (Self.nrYes, nrYesShares)]),
                    wallet(TestKey.safe, 2, [(Self.yes, yesShares), (Self.nrYes, nrYesShares)]),
                    wallet(TestKey.deposit, 3, [(Self.yes, yesShares), (Self.nrYes, nrYesShares)]),
                ])
            ),
            (
                "leaders",
                .array([
                    .object([
                        ("address", "0x1111111111111111111111111111111111111111"),
                        (
                            "positions",
                            .array([
                                .object([("token_id", .string(Self.yes)), ("size", "100"), ("avg_price", "0.4")])
                            ])
                        ),
                    ])
                ])
            ),
        ])
    }

    func exchange() throws -> PaperExchange { PaperExchange(scenario: try PaperScenario.parse(json)) }
}

extension PaperExchange {
    func get(_ target: String, headers: [String: String] = [:]) -> PaperResponse {
        handle(PaperRequest(method: "GET", target: target, headers: headers))
    }

    func control(_ path: String, _ body: JSON) -> PaperResponse {
        handle(PaperRequest(method: "POST", target: "/_control/" + path, body: Array(body.text.utf8)))
    }

    func stateJSON() -> JSON { get("/_control/state").json ?? .null }

    /// Collateral of a wallet, from the control state.
    func collateral(_ address: String) -> String? {
        stateJSON()["wallets"]?.arrayValue?.first {
            $0["address"]?.stringValue?.lowercased() == address.lowercased()
        }?["collateral"]?.stringValue
    }

    func shares(_ address: String, _ token: String) -> String {
        let w = stateJSON()["wallets"]?.arrayValue?.first {
            $0["address"]?.stringValue?.lowercased() == address.lowercased()
        }
        return w?["positions"]?.arrayValue?.first { $0["token_id"]?.stringValue == token }?["size"]?.stringValue ?? "0"
    }
}
