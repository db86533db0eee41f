// The composition root: parse arguments, wire real adapters, map outcomes to exit statuses.
// No business rules here (they live in LTCore).
import ArgumentParser
import Foundation

if let job = LT.parseCronJob(Array(CommandLine.arguments.dropFirst())) {
    exit(job.runJob().rawValue)
}
do {
    var command = try LT.parseAsRoot()
    if let job = command as? any JobCommand {
        exit(job.runJob().rawValue)
    }
    try command.run()
} catch {
    // Usage errors exit 64 (EX_USAGE); --help and --version exit 0.
    LT.exit(withError: error)
}
