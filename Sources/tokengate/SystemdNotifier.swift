import Glibc

/// systemd's readiness protocol (`sd_notify`).
///
/// One datagram per state change goes to the socket that `NOTIFY_SOCKET` names, a path or,
/// with a leading `@`, an abstract name. Without the variable, nothing is sent.
struct SystemdNotifier {
    private let address: [UInt8]?

    /// A notifier for the socket of this process's environment.
    init(environment value: String? = getenv("NOTIFY_SOCKET").map { String(cString: $0) }) {
        guard let value, !value.isEmpty, value.hasPrefix("/") || value.hasPrefix("@") else {
            address = nil
            return
        }
        var bytes = Array(value.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        address = bytes
    }

    /// `READY=1`: the listeners accept and the configuration is in force.
    func ready() { send("READY=1\nSTATUS=serving") }

    /// `RELOADING=1` with the monotonic time, as `Type=notify-reload` expects.
    func reloading() {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let microseconds = Int(time.tv_sec) * 1_000_000 + Int(time.tv_nsec) / 1000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// `STOPPING=1`: draining has begun.
    func stopping() { send("STOPPING=1") }

    /// Sends `message` as one datagram; a failure is not the service's concern.
    func send(_ message: String) {
        guard let address else { return }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
        guard address.count < capacity else { return }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { path in
            path.copyBytes(from: address)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count)
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bytes.withUnsafeBytes { body in
                    sendto(descriptor, body.baseAddress, body.count, 0, generic, length)
                }
            }
        }
    }
}
