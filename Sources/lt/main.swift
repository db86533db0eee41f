import LTChain
import LTCore
import LTHTTP
import LTPostgres

print("lt: libpq \(libpqVersion()), \(libcurlVersion()), \(cryptoLinkCheck())")
