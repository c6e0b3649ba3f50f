import CLinux
import Glibc

/// A listening TCP socket that hands accepted connections to its server.
final class Listener: EventHandler {
    let fd: Int32
    unowned let server: HTTPServer
    /// The certificate new connections get, for an HTTPS listener; a reload replaces it.
    var tlsContext: TLSContext?

    init(address: String, port: Int, tlsContext: TLSContext?, server: HTTPServer)
        throws(SystemCallError)
    {
        self.server = server
        self.tlsContext = tlsContext
        let isIPv6 = address.contains(":")
        fd = socket(
            isIPv6 ? AF_INET6 : AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket") }
        _ = tglinux_set_socket_option(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        _ = tglinux_set_socket_option(fd, SOL_SOCKET, SO_REUSEPORT, 1)
        let bound: Int32
        if isIPv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else {
                Glibc.close(fd)
                throw SystemCallError("inet_pton")
            }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
                Glibc.close(fd)
                throw SystemCallError("inet_pton")
            }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard bound == 0 else {
            let error = SystemCallError("bind \(address):\(port)")
            Glibc.close(fd)
            throw error
        }
        guard Glibc.listen(fd, 4096) == 0 else {
            let error = SystemCallError("listen")
            Glibc.close(fd)
            throw error
        }
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    tglinux_accept_nonblocking(fd, $0, &length)
                }
            }
            guard client >= 0 else { return }
            server.accepted(
                fd: client, clientAddress: Self.describe(&storage), tlsContext: tlsContext)
        }
    }

    /// The numeric IP of a peer address.
    static func describe(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = Int32(storage.ss_family)
        withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var address = $0.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var address = $0.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                }
            }
        }
        return String(
            decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
