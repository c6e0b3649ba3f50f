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
            "\(path): ok, \(counted(configuration.routes.count, "route")), "
                + counted(configuration.issuers.count, "issuer"))
    }
}

/// `1 route`, `3 routes`.
private func counted(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)" + (number == 1 ? "" : "s")
}
