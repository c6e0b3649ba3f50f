import Gateway

/// The `check` command: validates a configuration and prints every problem.
enum CheckCommand {
    static func run(_ words: [String]) throws {
        let arguments = try CommandLineArguments(words, options: ["--config"], flags: [])
        if let extra = arguments.positionals.first {
            throw CommandOutcome.usage("unexpected argument \(extra)")
        }
        let path = try arguments.value("--config") ?? defaultConfigurationPath
        let configuration = try loadConfiguration(path)
        if case .failure(let errors) = GatewayConfiguration.compile(configuration) {
            throw CommandOutcome.refused(errors.description)
        }
        Terminal.printLine(
            "\(path): ok, \(configuration.routes.count) routes, "
                + "\(configuration.issuers.count) issuers")
    }
}
