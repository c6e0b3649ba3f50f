import Foundation
import Glibc

/// Hands out TCP ports on 127.0.0.1 that nothing listens on.
///
/// Binds a socket to port 0, reads the port the kernel chose and closes the socket. The
/// port stays free only until someone else binds it, so a daemon that fails to listen on
/// it is retried with another (see `TokengateDaemon`). A port is never handed out twice
/// in one test run, so that two tests running side by side cannot be given the same one.
enum FreePort {
    /// A port that was free a moment ago and has not been handed to another test.
    static func next() throws -> Int {
        for _ in 0..<20 {
            let port = try probe()
            if HandedOut.shared.claim(port) { return port }
        }
        throw HarnessError("no free port after 20 tries")
    }

    private static func probe() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        defer { Glibc.close(fd) }
        var address = sockaddr_in.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind() to port 0 failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The ports already given out in this process.
    private final class HandedOut: @unchecked Sendable {
        static let shared = HandedOut()
        private let lock = NSLock()
        private var ports: Set<Int> = []

        func claim(_ port: Int) -> Bool {
            lock.withLock { ports.insert(port).inserted }
        }
    }
}

extension sockaddr_in {
    /// The IPv4 loopback address 127.0.0.1 with `port`.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }
}
