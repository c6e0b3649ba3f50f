#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading the configuration file, and checking that the files it names can be read.
enum FileAccess {
    /// A configuration file larger than this is refused rather than read into memory.
    static let maximumConfigurationBytes = 16 << 20

    /// The bytes of the file at `path`.
    static func contents(of path: String) throws(ConfigurationFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        if let problem = notRegularFile(descriptor) {
            throw ConfigurationFileError(path: path, reason: problem)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR {
                continue
            }
            guard count >= 0 else { throw failure(path) }
            guard count > 0 else { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= maximumConfigurationBytes else {
                throw ConfigurationFileError(path: path, reason: "larger than 16 MiB")
            }
        }
    }

    /// Why the file at `path` cannot be opened for reading, or nil when it can.
    static func problem(reading path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return systemError() }
        defer { close(descriptor) }
        return notRegularFile(descriptor)
    }

    /// "is a directory" when the open file is one; nil for anything that can be read.
    private static func notRegularFile(_ descriptor: Int32) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return systemError() }
        return status.st_mode & S_IFMT == S_IFDIR ? "is a directory" : nil
    }

    private static func failure(_ path: String) -> ConfigurationFileError {
        ConfigurationFileError(path: path, reason: systemError())
    }

    private static func systemError() -> String {
        strerror(errno).map { String(cString: $0) } ?? "error \(errno)"
    }
}
