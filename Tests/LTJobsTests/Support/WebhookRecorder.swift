import Foundation

/// A tiny HTTP server on 127.0.0.1 for webhook tests: records every request body and answers with
/// the status the test sets (200 by default). One connection at a time, `Connection: close`.
final class WebhookRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String] = []
    private var answer = 200
    private let fd: Int32
    let port: Int
    /// A URL whose path looks like a webhook secret, so tests can check it never leaks.
    var url: String { "http://127.0.0.1:\(port)/hooks/T0-SECRET-webhook-token" }
    static let secretPart = "T0-SECRET-webhook-token"

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw HarnessUnavailable(description: "socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socketFD, 16) == 0 else {
            close(socketFD)
            throw HarnessUnavailable(description: "bind/listen: \(errno)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &len) }
        }
        fd = socketFD
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Stops accepting (the serving thread ends); call when the test is done.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    var requests: [String] { lock.withLock { bodies } }

    func respond(with status: Int) { lock.withLock { answer = status } }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // closed
            }
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            var body: String?
            while body == nil {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                data += buffer[0..<n]
                body = Self.completeBody(data)
            }
            if let body {
                let status = lock.withLock {
                    bodies.append(body)
                    return answer
                }
                let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = reply.utf8CString.withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count - 1) }
            }
            close(client)
        }
    }

    /// The body once headers and Content-Length bytes have arrived.
    static func completeBody(_ data: [UInt8]) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let headers = text[..<end.lowerBound].lowercased()
        var length = 0
        for line in headers.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let bodyBytes = Array(text[end.upperBound...].utf8)
        return bodyBytes.count >= length ? String(decoding: bodyBytes.prefix(length), as: UTF8.self) : nil
    }
}
