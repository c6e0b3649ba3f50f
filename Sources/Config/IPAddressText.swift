#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// IP address literals, checked and written in their canonical form by the C library.
enum IPAddressText {
    /// The canonical text of an IPv4 address in dotted form, or nil when `text` is not one.
    static func canonicalIPv4(_ text: String) -> String? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { format(family: AF_INET, $0.baseAddress) }
    }

    /// The canonical text of an IPv6 address (`::`, `::1`), or nil when `text` is not one.
    static func canonicalIPv6(_ text: String) -> String? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { format(family: AF_INET6, $0.baseAddress) }
    }

    /// Whether a host (name or canonical address) always means this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || (canonicalIPv4(host)?.hasPrefix("127.") ?? false)
    }

    private static func format(family: Int32, _ address: UnsafeRawPointer?) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = buffer.withUnsafeMutableBufferPointer { text in
            inet_ntop(family, address, text.baseAddress, socklen_t(text.count))
        }
        guard written != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
