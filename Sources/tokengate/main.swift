import CCurl
import Foundation

/// The version `--version` prints.
let tokengateVersion = "0.1.0"

let usage = """
    usage:
      tokengate [run] [--config PATH]     serve (default PATH /etc/tokengate/proxy.conf)
      tokengate check [--config PATH]     validate a configuration and exit
      tokengate verify --config PATH --route NAME [--method M] [--path P] [--host H] [TOKEN|-]
      tokengate verify --jwks PATH [--issuer ISS] [--audience AUD]... [--at UNIXTIME]
                       [--signature-only] [TOKEN|-]
      tokengate mint --key PEM --claims JSON|@FILE [--kid KID] [--alg ALG] [--ttl DURATION]
      tokengate jwks --key PEM [--kid KID]
      tokengate demo                      a local issuer, tokengate and an echo upstream, with
                                          curl commands to try; serves until Ctrl-C
      tokengate --version | --help

    exit status: 0 valid, 1 the answer is no, 2 a usage error or an unreadable file
    """

/// Runs one command and returns the process's exit status.
func runCommand(_ words: [String]) -> Int32 {
    guard let command = words.first else {
        Terminal.printError(usage)
        return 2
    }
    let rest = Array(words.dropFirst())
    do {
        switch command {
        case "run": try RunCommand.run(rest)
        case "check": try CheckCommand.run(rest)
        case "verify": try VerifyCommand.run(rest)
        case "mint": try MintCommand.run(rest)
        case "jwks": try JWKSCommand.run(rest)
        case "demo": try DemoCommand.run(rest)
        case "--version", "version": Terminal.printLine("tokengate \(tokengateVersion)")
        case "--help", "-h", "help": Terminal.printLine(usage)
        default: throw CommandOutcome.usage("unknown command \(command)")
        }
        return 0
    } catch CommandOutcome.refused(let reason) {
        Terminal.printError(reason)
        return 1
    } catch CommandOutcome.usage(let message) {
        Terminal.printError("tokengate: \(message)\n\(usage)")
        return 2
    } catch CommandOutcome.unreadable(let message) {
        Terminal.printError("tokengate: \(message)")
        return 2
    } catch let error as CommandLineArguments.UsageError {
        Terminal.printError("tokengate: \(error.message)\n\(usage)")
        return 2
    } catch {
        Terminal.printError("tokengate: \(error)")
        return 2
    }
}

var words = Array(CommandLine.arguments.dropFirst())
if words.isEmpty || words[0].hasPrefix("--config") { words.insert("run", at: 0) }
if words[0] == "run" || words[0] == "demo" {
    // Before any thread exists, so that every thread inherits the mask (NOTES.md).
    RunCommand.blockSignals()
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}
exit(runCommand(words))
