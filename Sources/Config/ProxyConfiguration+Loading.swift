extension ProxyConfiguration {
    /// Reads a configuration from its text: read, parse, resolve, validate.
    ///
    /// Every problem is reported, each at the word it concerns. `fileName` names the file
    /// in diagnostics, and its directory is where relative paths are taken from. With
    /// `checkingFiles`, every file the configuration names (`jwks_file`,
    /// `hmac_secret_file`, `ca_file`, `upstream_ca_file`, the TLS certificate and key) must
    /// open for reading; without it the file system is not touched.
    public static func parse(
        text: String, fileName: String, checkingFiles: Bool = false
    ) -> Result<ProxyConfiguration, ConfigurationErrors> {
        var reader = ConfigReader(text: text, fileName: fileName)
        let lines = reader.read()
        var parser = ConfigParser()
        let directives = parser.parse(lines)
        let resolver = ConfigResolver(fileName: fileName, checksFiles: checkingFiles)
        let configuration = resolver.resolve(directives)

        let diagnostics = reader.diagnostics + parser.diagnostics + resolver.diagnostics
        guard diagnostics.isEmpty, let configuration else {
            return .failure(ConfigurationErrors(diagnostics))
        }
        return .success(configuration)
    }

    /// Reads the configuration file at `path`, checking the files it names as well.
    ///
    /// Throws `ConfigurationFileError` when the file itself cannot be read (`check` exits
    /// 2), and `ConfigurationErrors` when its content is wrong (`check` exits 1).
    public static func load(path: String) throws -> ProxyConfiguration {
        let bytes = try FileAccess.contents(of: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationErrors([invalidUTF8(bytes, fileName: path)])
        }
        return try parse(text: text, fileName: path, checkingFiles: true).get()
    }

    /// A diagnostic at the first byte that is not part of valid UTF-8.
    private static func invalidUTF8(_ bytes: [UInt8], fileName: String) -> ConfigurationDiagnostic {
        var line = 1
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                (line, column) = scalar == "\n" ? (line + 1, 1) : (line, column + 1)
            case .emptyInput, .error:
                break decoding
            }
        }
        return ConfigurationDiagnostic(
            location: SourceLocation(file: fileName, line: line, column: column),
            message: "the file is not valid UTF-8 text from here on")
    }
}
