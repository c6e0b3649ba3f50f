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
        runtime.warn = { message, fields in DaemonLog.warning(message, fields) }
        do {
            try runtime.start(loopCount: max(1, ProcessInfo.processInfo.activeProcessorCount))
        } catch {
            throw CommandOutcome.refused("tokengate: cannot listen: \(error)")
        }
        for listener in configuration.listeners {
            DaemonLog.info("listening", ["address": listener.address.description])
        }
        if let admin = configuration.admin {
            DaemonLog.info("admin listening", ["address": admin.description])
        }
        let notifier = SystemdNotifier()
        notifier.ready()
        serveSignals(runtime, path: path, notifier: notifier)
        notifier.stopping()
        drain(runtime, shutdownTimeout: runtime.shutdownTimeout)
    }

    /// Answers SIGHUP (reload) and SIGUSR1 (reopen the access log) until SIGTERM or SIGINT.
    private static func serveSignals(
        _ runtime: GatewayRuntime, path: String, notifier: SystemdNotifier
    ) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handledSignals { sigaddset(&set, signal) }
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            switch received {
            case SIGTERM, SIGINT:
                return
            case SIGHUP:
                notifier.reloading()
                reload(runtime, path: path)
                notifier.ready()
            case SIGUSR1:
                do {
                    try runtime.reopenAccessLog()
                    DaemonLog.info("access log reopened", [:])
                } catch {
                    DaemonLog.warning("access log not reopened", ["error": error.description])
                }
            default:
                continue
            }
        }
    }

    /// Reads, checks and applies the configuration file again; a file with problems is
    /// reported line by line and the configuration in force stays.
    private static func reload(_ runtime: GatewayRuntime, path: String) {
        let problems: String
        do {
            let configuration = try loadConfiguration(path)
            let unapplied = try runtime.reload(configuration)
            for note in unapplied { DaemonLog.warning("reload: not applied", ["what": note]) }
            DaemonLog.info("reloaded", ["config": path])
            return
        } catch CommandOutcome.refused(let text), CommandOutcome.unreadable(let text) {
            problems = text
        } catch let error as GatewayRuntime.StartError {
            problems = error.description
        } catch {
            problems = "\(error)"
        }
        for line in problems.split(separator: "\n") {
            DaemonLog.warning(
                "reload refused, the configuration in force stays", ["problem": String(line)])
        }
    }

    /// Stops accepting, lets requests in flight finish up to `shutdownTimeout`, and returns.
    private static func drain(_ runtime: GatewayRuntime, shutdownTimeout: Duration) {
        DaemonLog.info("draining", [:])
        runtime.beginDrain()
        let deadline = ContinuousClock.now + shutdownTimeout
        while ContinuousClock.now < deadline && runtime.openConnections() > 0 {
            usleep(50_000)
        }
        let cut = runtime.openConnections()
        if cut > 0 { runtime.closeRemainingConnections() }
        DaemonLog.info("stopped", ["connections_cut": String(cut)])
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
