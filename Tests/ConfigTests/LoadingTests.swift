import Config
import Foundation
import Testing

@Suite struct LoadingTests {
    /// A fresh directory holding the files `files` names (relative path to content).
    private static func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, content) in files {
            try content.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }
        return path
    }

    private static func issuer(_ line: String) -> String {
        "listen 127.0.0.1:1\nissuer i {\n    issuer "
            + "https://i.example\n    audience a\n    \(line)\n}\n"
    }

    @Test func throwsAFileErrorWhenTheConfigurationCannotBeRead() throws {
        let directory = try Self.directory([:])
        #expect(
            throws: ConfigurationFileError(
                path: directory + "/absent.conf", reason: "No such file or directory")
        ) {
            try ProxyConfiguration.load(path: directory + "/absent.conf")
        }
        #expect(throws: ConfigurationFileError(path: directory, reason: "is a directory")) {
            try ProxyConfiguration.load(path: directory)
        }
    }

    @Test func loadsAConfigurationWhoseFilesAreReadable() throws {
        let directory = try Self.directory([
            "proxy.conf": Self.issuer("jwks_file keys.json"), "keys.json": #"{"keys":[]}"#,
        ])
        let configuration = try ProxyConfiguration.load(path: directory + "/proxy.conf")
        #expect(configuration.issuers.first?.jwksFile == directory + "/keys.json")
    }

    @Test(arguments: [
        (line: "jwks_file", directive: "jwks_file"), (line: "ca_file", directive: "ca_file"),
    ])
    func reportsAnUnreadableIssuerFileAtItsWord(line: String, directive: String) throws {
        let directory = try Self.directory(["proxy.conf": Self.issuer("\(line) /nonexistent/x")])
        let path = directory + "/proxy.conf"
        #expect(
            throws: ConfigurationErrors([
                ConfigurationDiagnostic(
                    location: SourceLocation(file: path, line: 5, column: 6 + line.count),
                    message: "cannot read \(directive) /nonexistent/x: No such file or directory")
            ])
        ) {
            try ProxyConfiguration.load(path: path)
        }
    }

    @Test func checksEveryFileTheConfigurationNames() throws {
        let text = """
            listen 127.0.0.1:8443 tls
            tls {
                certificate missing.crt
                key missing.key
            }
            issuer i {
                issuer https://i.example
                audience a
                jwks_file missing.json
                algorithms HS256
                hmac_secret_file missing.secret
                ca_file missing.pem
            }
            route r {
                path /
                upstream https://127.0.0.1
                upstream_ca_file missing-upstream.pem
                allow true
            }
            """
        let directory = try Self.directory(["proxy.conf": text])
        do {
            _ = try ProxyConfiguration.load(path: directory + "/proxy.conf")
            Issue.record("the configuration was accepted")
        } catch let errors as ConfigurationErrors {
            #expect(
                errors.diagnostics.map { "\($0.location.line):\($0.location.column)" } == [
                    "3:17", "4:9", "9:15", "11:22", "12:13", "17:22",
                ])
            #expect(
                errors.diagnostics.first?.message
                    == "cannot read certificate \(directory)/missing.crt: No such file or directory"
            )
        }
    }

    @Test func leavesTheFileSystemAloneWhenParsingText() {
        let text = Self.issuer("jwks_file /nonexistent/keys.json")
        #expect(problems(text).isEmpty)
        let checked = ProxyConfiguration.parse(text: text, fileName: "t.conf", checkingFiles: true)
        #expect(throws: ConfigurationErrors.self) { try checked.get() }
    }

    @Test func reportsTextThatIsNotUTF8WhereItStops() throws {
        let directory = try Self.directory([:])
        let path = directory + "/proxy.conf"
        let bytes = Array("listen 127.0.0.1:1\nadmin é".utf8) + [0xFF] + Array(" x\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect(
            throws: ConfigurationErrors([
                ConfigurationDiagnostic(
                    location: SourceLocation(file: path, line: 2, column: 8),
                    message: "the file is not valid UTF-8 text from here on")
            ])
        ) {
            try ProxyConfiguration.load(path: path)
        }
    }
}
