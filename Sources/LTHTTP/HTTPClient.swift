import CCurl
import Foundation

/// libcurl's process-wide setup, run exactly once before any handle exists (swift_once makes a
/// global `let` thread-safe). It also opens libcurl itself (CCurl's shim: dlopen, not linked).
private let curlGlobalInit: CURLcode = lt_curl_global_init(Int(CURL_GLOBAL_DEFAULT))

public struct HTTPClientConfiguration: Sendable {
    /// Time allowed to establish a connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Default total time for one request; `HTTPRequest.timeout` overrides it.
    public var totalTimeout: Duration
    public var userAgent: String
    /// Responses larger than this are aborted (a venue answer is kilobytes).
    public var maxResponseBytes: Int

    public init(
        connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(20),
        userAgent: String = "lt/1", maxResponseBytes: Int = 32 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A blocking HTTP client over one libcurl easy handle.
///
/// - One handle for the client's lifetime, so connections are kept alive and reused across
///   requests within a run (`curl_easy_reset` keeps the connection cache).
/// - Proxy: libcurl's default environment handling is left on, so `HTTPS_PROXY`/`https_proxy`
///   (for https URLs), `http_proxy` (for http URLs) and `NO_PROXY` are honoured. Nothing here sets
///   `CURLOPT_PROXY`, which would override them.
/// - `CURLOPT_NOSIGNAL` is set: timeouts must not use signals in a multi-threaded process.
/// - Not Sendable: one client per thread/task. `deinit` releases the handle.
public final class HTTPClient {
    public let configuration: HTTPClientConfiguration
    /// Created by the first request: a run that makes none (an idle `lt execute`) never pays for
    /// libcurl's global set-up (OpenSSL's initialisation, its configuration file).
    private var easyHandle: UnsafeMutableRawPointer?
    /// New connections this client opened (keep-alive reuse keeps it low); for tests and metrics.
    public private(set) var connectionsOpened = 0

    /// Whether libcurl has been set up for this client (its first request); for tests.
    public var isStarted: Bool { easyHandle != nil }

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
    }

    deinit { if let easyHandle { lt_curl_easy_cleanup(easyHandle) } }

    private var handle: UnsafeMutableRawPointer {
        if let easyHandle { return easyHandle }
        precondition(curlGlobalInit == CURLE_OK, "libcurl (\(libcurlName)) cannot be opened or set up")
        guard let h = lt_curl_easy_init() else { fatalError("curl_easy_init returned NULL (out of memory)") }
        easyHandle = h
        return h
    }

    /// Performs one exchange, without retrying. Any complete response is returned whatever its
    /// status; only a missing or incomplete response throws (`.transport`).
    ///
    /// Exactly once, also inside libcurl: when a *reused* keep-alive connection turns out dead before
    /// any answer byte, libcurl silently re-sends the request on a new connection — for a POST /order
    /// the venue already took, that would place it twice. So every request except a GET gets a fresh
    /// connection here (`CURLOPT_FRESH_CONNECT`); `sendIdempotent` allows reuse, repeating is safe there.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        try perform(request, reuseConnection: request.method == .get)
    }

    private func perform(_ request: HTTPRequest, reuseConnection: Bool) throws(HTTPError) -> HTTPResponse {
        let handle = self.handle
        lt_curl_easy_reset(handle)
        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { lt_curl_slist_free_all(headerList) }
        for h in request.headers {
            headerList = lt_curl_slist_append(headerList, "\(h.name): \(h.value)")
        }
        // libcurl adds "Expect: 100-continue" to larger POSTs, costing a round trip; no venue needs it.
        headerList = lt_curl_slist_append(headerList, "Expect:")

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let timeout = request.timeout ?? configuration.totalTimeout
        var status = 0
        var newConnections = 0
        let code: CURLcode = request.url.withCString { url in
            configuration.userAgent.withCString { ua in
                errorBuffer.withUnsafeMutableBufferPointer { errBuf in
                    withBody(request) { bodyPtr, bodyLen in
                        var c = CURLE_OK
                        func set(_ r: CURLcode) { if c == CURLE_OK { c = r } }
                        set(lt_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errBuf.baseAddress))
                        set(lt_curl_setopt_ptr(handle, CURLOPT_URL, url))
                        set(lt_curl_setopt_ptr(handle, CURLOPT_USERAGENT, ua))
                        set(lt_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
                        if !reuseConnection { set(lt_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)) }
                        let connectMS = milliseconds(configuration.connectTimeout)
                        set(lt_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectMS))
                        set(lt_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(timeout)))
                        set(lt_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
                        // "" = accept every encoding this libcurl can decode (gzip, deflate, …).
                        set(lt_curl_setopt_ptr(handle, CURLOPT_ACCEPT_ENCODING, ""))
                        set(lt_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList))
                        set(lt_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, ltWriteBody))
                        set(lt_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque()))
                        set(lt_curl_setopt_write(handle, CURLOPT_HEADERFUNCTION, ltWriteHeader))
                        set(lt_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque()))
                        switch request.method {
                        case .get where bodyPtr == nil:
                            set(lt_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
                        default:
                            set(lt_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
                        }
                        if let bodyPtr {
                            set(lt_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyLen)))
                            set(lt_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, bodyPtr))
                        } else if request.method == .post || request.method == .put {
                            set(lt_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                            // COPY: libcurl keeps its own copy (POSTFIELDS would keep our pointer).
                            set(lt_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, ""))
                        }
                        guard c == CURLE_OK else {
                            lt_curl_easy_reset(handle)
                            return c
                        }
                        let rc = lt_curl_easy_perform(handle)
                        _ = lt_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                        _ = lt_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
                        // Drop every pointer into this call's buffers (error buffer, header list,
                        // sink, body) before they go away; reset keeps the connection cache.
                        lt_curl_easy_reset(handle)
                        return rc
                    }
                }
            }
        }

        connectionsOpened += newConnections
        if code != CURLE_OK {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: lt_curl_easy_strerror(code)) : detail
            if sink.overflowed {
                throw .transport(
                    request: request.summary, kind: .other,
                    message: "response larger than \(configuration.maxResponseBytes) bytes")
            }
            throw .transport(request: request.summary, kind: Self.classify(code), message: message)
        }
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Performs an idempotent request, retrying transport errors, 429 and 5xx per `policy`
    /// (honouring `Retry-After`). Returns the last response, whatever its status, or throws the
    /// last transport error. NEVER use this for a request that may change state twice (POST /order).
    public func sendIdempotent(_ request: HTTPRequest, policy: RetryPolicy = .default) throws(HTTPError)
        -> HTTPResponse
    {
        var attemptNumber = 1
        while true {
            let attempt: RetryPolicy.Attempt
            do {
                attempt = .response(try perform(request, reuseConnection: true))
            } catch {
                attempt = .failure(error)
            }
            guard let delay = policy.delayBeforeRetry(after: attempt, attemptNumber: attemptNumber) else {
                switch attempt {
                case .response(let r): return r
                case .failure(let e): throw e
                }
            }
            let reason: String
            switch attempt {
            case .response(let r): reason = "HTTP \(r.status)"
            case .failure(let e):
                if case .transport(_, let kind, let message) = e {
                    reason = "transport error (\(kind.rawValue)): \(message)"
                } else {
                    reason = e.description
                }
            }
            policy.onRetry(RetryEvent(request: request.summary, attempt: attemptNumber, reason: reason, delay: delay))
            policy.sleep(delay)
            attemptNumber += 1
        }
    }

    /// GET/idempotent request → 2xx required → JSON decoded. Every failure is an `HTTPError`.
    public func fetchJSON<T: Decodable>(
        _ request: HTTPRequest, as type: T.Type = T.self, policy: RetryPolicy = .default,
        decoder: JSONDecoder = JSONDecoder()
    ) throws(HTTPError) -> T {
        try sendIdempotent(request, policy: policy).requireSuccess(for: request)
            .decode(T.self, for: request, decoder: decoder)
    }

    /// Maps a libcurl failure to what it tells the caller about the request's fate.
    static func classify(_ code: CURLcode) -> HTTPError.TransportKind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT,
            CURLE_SSL_CONNECT_ERROR, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,
            CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .connect
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
            CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .dropped
        default:
            return .other
        }
    }
}

private func milliseconds(_ d: Duration) -> Int {
    let (s, atto) = d.components
    return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
}

/// Calls `body` with a pointer to the request body bytes (nil when there is none).
private func withBody<R>(_ request: HTTPRequest, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes = request.body else { return body(nil, 0) }
    return bytes.withUnsafeBytes { raw in
        // An empty array may have no base address; curl needs a valid pointer with size 0.
        guard let base = raw.baseAddress else { return "".withCString { body(UnsafeRawPointer($0), 0) } }
        return body(base, raw.count)
    }
}

/// Collects one response; reached from the C callbacks through the userdata pointer.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [HTTPHeader] = []
    var overflowed = false

    init(limit: Int) { self.limit = limit }

    func headerLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            headers = []  // a new response head (after 1xx or via a proxy CONNECT): start over
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append(HTTPHeader(name, value))
    }
}

// Non-capturing C callbacks: state arrives through the userdata pointer (a capturing closure here
// crashes swift-frontend 6.3.1).
private func ltWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    withChunk(data, size * count, userdata) { sink, bytes in
        if sink.body.count + bytes.count > sink.limit {
            sink.overflowed = true
            return false  // makes curl abort with CURLE_WRITE_ERROR
        }
        sink.body.append(contentsOf: bytes)
        return true
    }
}

private func ltWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    withChunk(data, size * count, userdata) { sink, bytes in
        sink.headerLine(String(decoding: bytes, as: UTF8.self))
        return true
    }
}

/// Resolves the sink and the chunk's bytes; returns what curl expects (n = consumed, 0 = abort).
private func withChunk(
    _ data: UnsafeMutablePointer<CChar>?, _ n: Int, _ userdata: UnsafeMutableRawPointer?,
    _ body: (ResponseSink, UnsafeBufferPointer<UInt8>) -> Bool
) -> Int {
    guard let userdata else { return 0 }
    guard n > 0, let data else { return n }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let ok = data.withMemoryRebound(to: UInt8.self, capacity: n) {
        body(sink, UnsafeBufferPointer(start: $0, count: n))
    }
    return ok ? n : 0
}

/// The shared object the first request opens (CCurl's shim).
public let libcurlName = LT_CURL_LIBRARY

/// The version text of the libcurl this process opens (for diagnostics), nil when it cannot be opened.
public func libcurlVersion() -> String? { lt_curl_version().map { String(cString: $0) } }
