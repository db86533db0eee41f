import Foundation
import LTCore

/// JSON-RPC (`POST /rpc`): the chain calls `redeem` makes.
extension ExchangeState {
    mutating func rpc(_ req: PaperRequest, now: Int64) -> PaperResponse {
        guard let body = try? JSON.parse(req.body), let method = body["method"]?.stringValue else {
            return .json(.object([("jsonrpc", "2.0"), ("id", .null),
                ("error", .object([("code", .int(-32700)), ("message", "parse error")]))]))
        }
        let id = body["id"] ?? .null
        switch method {
        case "eth_chainId":
            return .json(.object([("jsonrpc", "2.0"), ("id", id), ("result", .string("0x" + String(scenario.chainId, radix: 16)))]))
        default:
            return .json(.object([("jsonrpc", "2.0"), ("id", id),
                ("error", .object([("code", .int(-32601)), ("message", .string("method not found: \(method)"))]))]))
        }
    }
}
