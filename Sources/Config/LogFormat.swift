/// `log_format`: how access and daemon log lines are written.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `key=value` pairs separated by blanks; the default.
    case logfmt
    /// One JSON object per line.
    case json
}
