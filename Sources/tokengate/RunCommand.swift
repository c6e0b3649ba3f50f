import Config
import Foundation
import Gateway

/// The `run` command: serves a configuration until SIGTERM or SIGINT, then drains.
enum RunCommand {
    /// Signals the daemon handles itself; blocked in every thread before any thread starts.
    static let handledSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1]

    /// Blocks the handled signals for this thread and the threads it will create, and
    /// ignores SIGPIPE (a client that goes away is an error return, not a death).
    static func blockSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handledSignals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    static func run(_ words: [String]) throws {
        let arguments = try CommandLineArguments(words, options: ["--config"], flags: [])
        if let extra = arguments.positionals.first {
            throw CommandOutcome.usage("unexpected argument \(extra)")
        }
        let path = try arguments.value("--config") ?? defaultConfigurationPath
        let configuration = try loadConfiguration(path)
        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime(configuration: configuration)
        } catch {
            throw CommandOutcome.refused("tokengate: \(error.description)")
        }
        do {
            try runtime.start(loopCount: max(1, ProcessInfo.processInfo.activeProcessorCount))
        } catch {
            throw CommandOutcome.refused("tokengate: cannot listen: \(error)")
        }
        for listener in configuration.listeners {
            DaemonLog.info("listening", ["address": listener.address.description])
        }
        waitForStop(runtime, shutdownTimeout: configuration.limits.shutdownTimeout)
    }

    /// Waits for SIGTERM or SIGINT, then stops accepting, lets requests in flight finish up
    /// to `shutdownTimeout`, and returns.
    private static func waitForStop(_ runtime: GatewayRuntime, shutdownTimeout: Duration) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handledSignals { sigaddset(&set, signal) }
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            if received == SIGTERM || received == SIGINT { break }
            DaemonLog.info("signal ignored by this build", ["signal": String(received)])
        }
        DaemonLog.info("draining", [:])
        runtime.beginDrain()
        let deadline = ContinuousClock.now + shutdownTimeout
        while ContinuousClock.now < deadline && runtime.openConnections() > 0 {
            usleep(50_000)
        }
        DaemonLog.info("stopped", ["open_connections": String(runtime.openConnections())])
    }
}

/// Where `run` and `check` look for the configuration unless told.
let defaultConfigurationPath = "/etc/tokengate/proxy.conf"

/// Loads a configuration: diagnostics are a refusal (exit 1), an unreadable file a usage
/// error (exit 2).
func loadConfiguration(_ path: String) throws -> ProxyConfiguration {
    do {
        return try ProxyConfiguration.load(path: path)
    } catch let error as ConfigurationErrors {
        throw CommandOutcome.refused(error.description)
    } catch {
        throw CommandOutcome.unreadable("\(error)")
    }
}
