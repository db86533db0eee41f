import CCurl

/// The libcurl version string this binary links against (proves the shim links).
public func libcurlVersion() -> String { String(cString: curl_version()) }
