import Foundation
import LTCore

/// `--metrics-file PATH`: the run's samples in the Prometheus text format, for node_exporter's
/// textfile collector. `MetricsExposition` (LTCore) renders them; this file only decides where the
/// bytes go, and that a reader never sees half a file.
enum MetricsFile {
    /// The previous file's last-success time for `job` (nil: no file, or no success recorded yet).
    static func previousLastSuccess(path: String, job: String) -> Double? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return JobMetrics.previousLastSuccess(in: String(decoding: data, as: UTF8.self), job: job)
    }

    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `text` to a new file beside `path` and renames it over `path`: rename(2) within one
    /// directory is atomic, so node_exporter reads the old file or the new one, never a mix. The
    /// temporary name does not end in `.prom`, so the collector never picks it up, and it is
    /// removed when anything fails.
    static func writeAtomically(_ text: String, to path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot create \(temp): \(errnoText())") }
        var failure: String?
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "cannot write \(temp): \(errnoText())"
                break
            }
            written += n
        }
        // The node's textfile collector reads the file later, maybe after a crash: make it whole on disk.
        if failure == nil, fsync(fd) != 0 { failure = "cannot sync \(temp): \(errnoText())" }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = "cannot rename \(temp) to \(path): \(errnoText())" }
        if let failure {
            unlink(temp)
            throw WriteError(description: failure)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
