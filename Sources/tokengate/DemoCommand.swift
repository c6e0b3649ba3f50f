import Config
import Foundation
import Gateway
import HTTP1
import JOSE

/// `tokengate demo`: the main job in one process, on 127.0.0.1.
///
/// A local issuer whose P-256 key is made at start (its key set written to a `jwks_file`),
/// an echo upstream, and the daemon in front of it with a route shaped like the Loki ruler
/// of GitHub Actions. It prints ready-to-paste curl commands with a token that is allowed,
/// one the policy denies and an expired one, runs each once, shows what came back and the
/// access log's decision line, then serves until SIGINT or SIGTERM.
enum DemoCommand {
    /// The demo issuer's `iss` and the audience its tokens carry.
    static let issuer = "https://issuer.demo.tokengate"
    static let audience = "tokengate-demo"
    /// The rule group the demo's requests push, in YAML's flow style so that it fits on the
    /// command line.
    static let rules = "groups: [{name: demo, rules: []}]"

    static func run(_ words: [String]) throws {
        if let extra = words.first { throw CommandOutcome.usage("unexpected argument \(extra)") }
        let directory = try DemoDirectory()
        defer { directory.remove() }
        let key: SigningKey
        do {
            key = try SigningKey(generating: .ec(curve: "P-256"))
        } catch {
            throw CommandOutcome.refused("tokengate demo: cannot make a key: \(error)")
        }
        guard let keyID = key.thumbprint, let jwk = key.publicJWK(keyID: keyID) else {
            throw CommandOutcome.refused("tokengate demo: the new key has no public JWK")
        }
        var keySet = JSONObject()
        keySet.set("keys", .array([.object(jwk)]))
        let keySetPath = try directory.write(JSONValue.object(keySet).serialized, to: "jwks.json")

        let echoPort = try startEcho()
        let port = try FreePort.next()
        let accessLogPath = try directory.write("", to: "access.log")
        let configurationPath = try directory.write(
            configuration(
                port: port, echoPort: echoPort, keySetPath: keySetPath,
                accessLogPath: accessLogPath),
            to: "proxy.conf")
        let keyPath = try directory.write(key.pem ?? "", to: "key.pem")
        let runtime = try start(configurationPath)

        let url = "http://127.0.0.1:\(port)/loki/api/v1/rules/team%2Fns"
        Terminal.printLine(
            """
            tokengate demo: tokengate on 127.0.0.1:\(port), in front of an echo upstream on \
            127.0.0.1:\(echoPort).
            Its configuration is \(configurationPath); the route it shows:

            \(routeText(echoPort: echoPort))
            """)
        let log = DemoLogFollower(path: accessLogPath)
        for request in try DemoRequest.all(key: key, keyID: keyID, url: url) {
            request.show(log: log)
        }
        let claims =
            #"{"iss":"\#(issuer)","aud":"\#(audience)","#
            + #""sub":"repo:acme/alerts:ref:refs/heads/main","#
            + #""repository":"acme/alerts","repository_owner":"acme","ref":"refs/heads/main"}"#
        let binary = Self.executablePath()
        Terminal.printLine(
            """
            Serving on 127.0.0.1:\(port) until Ctrl-C; access log lines follow here. To try
            other claims, mint a token with the demo's key and paste a command above with it:
              \(binary) mint --key \(keyPath) --claims '\(claims)'
              \(binary) verify --config \(configurationPath) --route loki-rules TOKEN

            """)
        log.follow()
        waitForInterrupt()
        runtime.beginDrain()
    }

    /// The daemon's configuration: one issuer over the demo's key set, one route.
    static func configuration(
        port: Int, echoPort: Int, keySetPath: String, accessLogPath: String
    ) -> String {
        """
        listen 127.0.0.1:\(port)
        access_log \(accessLogPath)
        limits {
            shutdown_timeout 1s
        }
        issuer demo {
            issuer    \(issuer)
            jwks_file \(keySetPath)
            audience  \(audience)
            leeway    5s
        }
        \(routeText(echoPort: echoPort))
        """
    }

    /// The route of the demo: the Loki ruler for one repository's main branch.
    static func routeText(echoPort: Int) -> String {
        """
        route loki-rules {
            path       /loki/api/v1/rules
            methods    GET POST
            upstream   http://127.0.0.1:\(echoPort)
            issuers    demo
            allow      claims.repository == "acme/alerts" && claims.ref == "refs/heads/main"
            set_header X-Scope-OrgID ${claims.repository_owner}
        }
        """
    }

    /// Starts the echo upstream on a free port, with a loop and thread of its own; returns
    /// the port once it listens.
    private static func startEcho() throws -> Int {
        let port = try FreePort.next()
        let listening = DispatchSemaphore(value: 0)
        let failure = DemoFailure()
        let thread = Thread {
            do {
                let loop = try EventLoop()
                let server = HTTPServer(loop: loop, limits: HTTPServerLimits())
                let echo = DemoEchoUpstream()
                server.handler = echo
                try server.listen(address: "127.0.0.1", port: port)
                listening.signal()
                withExtendedLifetime((server, echo)) { loop.run() }
            } catch {
                failure.text = "\(error)"
                listening.signal()
            }
        }
        thread.start()
        listening.wait()
        if let why = failure.text {
            throw CommandOutcome.refused("tokengate demo: cannot start the echo upstream: \(why)")
        }
        return port
    }

    /// Loads the configuration the way `run` does and starts one event loop on it.
    private static func start(_ path: String) throws -> GatewayRuntime {
        let configuration = try loadConfiguration(path)
        do {
            let runtime = try GatewayRuntime(configuration: configuration)
            try runtime.start(loopCount: 1)
            return runtime
        } catch {
            throw CommandOutcome.refused("tokengate demo: cannot start: \(error)")
        }
    }

    /// This program's own path, so that the commands it prints work in a shell whose PATH
    /// does not hold it.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "tokengate" }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Returns on SIGINT or SIGTERM (blocked in every thread since `main` began).
    private static func waitForInterrupt() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        Terminal.printLine("tokengate demo: stopping")
    }
}

/// Why the echo's thread could not start, handed to the thread that waits for it.
///
/// `@unchecked Sendable`: written once by the echo's thread before it signals the
/// semaphore, read only after the wait on it returns.
private final class DemoFailure: @unchecked Sendable {
    var text: String?
}
