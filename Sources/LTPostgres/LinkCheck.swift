import CLibPQ

/// The libpq version this binary links against (proves the shim links).
public func libpqVersion() -> Int { Int(PQlibVersion()) }
