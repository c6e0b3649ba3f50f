/// `access_log`: where access lines go.
public enum AccessLogDestination: Sendable, Hashable {
    /// `stderr`, the default.
    case standardError
    /// `stdout`.
    case standardOutput
    /// `off`: no access lines at all.
    case off
    /// `PATH`: appended to this file, reopened on SIGUSR1.
    case file(String)
}
