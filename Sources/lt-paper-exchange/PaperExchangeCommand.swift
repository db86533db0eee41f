import ArgumentParser
import Foundation
import LTPaperExchange

/// `lt-paper-exchange --scenario FILE [--port 0]`: serves the scenario on 127.0.0.1 and prints
/// `listening on http://127.0.0.1:PORT` as its first stdout line (tests read it), then runs until
/// SIGINT or SIGTERM.
@main
struct PaperExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lt-paper-exchange",
        abstract: "A local Polymarket-compatible exchange (CLOB, Gamma, Data API, JSON-RPC) for tests and demos.",
        discussion: "Listens on 127.0.0.1 only. See docs/paper-exchange.md for the URLs and the control API.")

    @Option(name: .long, help: "Scenario JSON file (markets, books, wallets, leaders, events).")
    var scenario: String

    @Option(name: .long, help: "TCP port on 127.0.0.1; 0 picks a free one.")
    var port: Int = 0

    func run() async throws {
        let exchange: PaperExchange
        do { exchange = try PaperExchange(scenarioFile: scenario) } catch {
            FileHandle.standardError.write(Data("lt-paper-exchange: cannot load scenario: \(error)\n".utf8))
            throw ExitCode(78)
        }
        try await PaperServer.runForever(exchange: exchange, port: port) { bound in
            // Unbuffered write: a parent process reads this line through a pipe right away.
            FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(bound)\n".utf8))
        }
    }
}
