// verify-bench: whole-token verifications per second through `TokenVerifier.verify`, on the
// calling thread, with no cache in front. `bench/verify` compares it with `bench/evp-loop.c`.
//
//   verify-bench --jwks FILE --token FILE --at UNIXTIME --seconds N
//
// Prints one line, `verify-bench ALG rate=R wall_rate=W count=C cpu_seconds=T seconds=S`, where
// `rate` counts per second of the thread's CPU time and `wall_rate` per second of real time.

import Glibc
import JOSE

/// A reason to stop before or during the run; the message goes to standard error.
struct BenchmarkError: Error {
    let message: String
}

/// The command line of one run.
struct BenchmarkOptions {
    let jwksPath: String
    let tokenPath: String
    let now: Double
    let seconds: Double

    init(_ words: [String]) throws(BenchmarkError) {
        var values: [String: String] = [:]
        var index = 0
        while index < words.count {
            let name = words[index]
            guard ["--jwks", "--token", "--at", "--seconds"].contains(name),
                index + 1 < words.count
            else {
                throw BenchmarkError(
                    message: "usage: verify-bench --jwks FILE --token FILE --at UNIXTIME "
                        + "--seconds N")
            }
            values[name] = words[index + 1]
            index += 2
        }
        guard let jwksPath = values["--jwks"], let tokenPath = values["--token"] else {
            throw BenchmarkError(message: "--jwks and --token are required")
        }
        guard let now = values["--at"].flatMap(Double.init), now.isFinite else {
            throw BenchmarkError(message: "--at takes seconds since the epoch")
        }
        guard let seconds = values["--seconds"].flatMap(Double.init), seconds > 0 else {
            throw BenchmarkError(message: "--seconds takes a positive number")
        }
        self.jwksPath = jwksPath
        self.tokenPath = tokenPath
        self.now = now
        self.seconds = seconds
    }
}

/// Reads a whole file with plain POSIX calls.
func readFile(_ path: String) throws(BenchmarkError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw BenchmarkError(message: "cannot open \(path)") }
    defer { close(descriptor) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { throw BenchmarkError(message: "cannot read \(path)") }
        if count == 0 { return contents }
        contents.append(contentsOf: chunk[..<count])
    }
}

/// The time of `clock` in seconds.
func seconds(of clock: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The token file without surrounding whitespace (a trailing newline from `tokengate mint`).
func trimmed(_ bytes: [UInt8]) -> [UInt8] {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }),
        let last = bytes.lastIndex(where: { !isSpace($0) })
    else { return [] }
    return Array(bytes[first...last])
}

/// Claim rules that the token must meet: its own `iss`, and its (first) `aud`.
///
/// Read once, before timing, through the unverified payload, so the loop checks the same
/// issuer and audience rules a route for this issuer would.
func rulesMatching(_ token: [UInt8]) throws(BenchmarkError) -> ClaimRules {
    let claims: JSONObject
    do {
        claims = try JSONParser.parseObject(try CompactJWS(token).payload)
    } catch {
        throw BenchmarkError(message: "the token does not parse: \(error)")
    }
    guard let issuer = claims["iss"]?.stringValue else {
        throw BenchmarkError(message: "the token has no string iss")
    }
    let audience = claims["aud"]?.stringValue ?? claims["aud"]?.arrayValue?.first?.stringValue
    guard let audience else { throw BenchmarkError(message: "the token has no aud") }
    return ClaimRules(issuer: issuer, audiences: [audience])
}

/// Verifies `token` in a loop for `seconds`; every result must be a success.
func run(_ options: BenchmarkOptions) throws(BenchmarkError) {
    let token = trimmed(try readFile(options.tokenPath))
    let keySet: KeySet
    do {
        keySet = try KeySet(jwks: try readFile(options.jwksPath))
    } catch {
        throw BenchmarkError(message: "the key set does not import: \(error)")
    }
    let verifier = TokenVerifier(keySet: keySet, rules: try rulesMatching(token))
    let now = options.now

    let algorithm: String
    switch verifier.verify(token, at: now) {
    case .success(let verified): algorithm = verified.signed.algorithm.rawValue
    case .failure(let rejection):
        throw BenchmarkError(message: "the token is refused: \(rejection.detail)")
    }

    // The clock is read once per batch so that it costs nothing beside a signature check;
    // `evp-loop.c` batches the same way. The rate is per second of this thread's CPU time,
    // which time given to other processes on a shared core does not inflate.
    let batch = 16
    var count = 0
    let start = seconds(of: CLOCK_MONOTONIC)
    let cpuStart = seconds(of: CLOCK_THREAD_CPUTIME_ID)
    var elapsed = 0.0
    while elapsed < options.seconds {
        for _ in 0..<batch {
            if case .failure(let rejection) = verifier.verify(token, at: now) {
                throw BenchmarkError(
                    message: "verification \(count) failed: \(rejection.detail)")
            }
            count += 1
        }
        elapsed = seconds(of: CLOCK_MONOTONIC) - start
    }
    let cpu = seconds(of: CLOCK_THREAD_CPUTIME_ID) - cpuStart
    let rate = Int((Double(count) / cpu).rounded())
    let wallRate = Int((Double(count) / elapsed).rounded())
    print(
        "verify-bench \(algorithm) rate=\(rate) wall_rate=\(wallRate) count=\(count) "
            + "cpu_seconds=\(cpu) seconds=\(elapsed)")
}

do {
    try run(BenchmarkOptions(Array(CommandLine.arguments.dropFirst())))
} catch {
    let line = "verify-bench: FAILED: \(error.message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(1)
}
