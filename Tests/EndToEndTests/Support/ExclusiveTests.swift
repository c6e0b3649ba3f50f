import Testing

/// The end-to-end suites that must not run beside each other: they move gigabytes, watch
/// the daemon's memory or time its failures, and on two cores each would disturb the
/// others' figures (NOTES.md, "Tests and CI").
///
/// `.serialized` on this suite runs its nested suites, and every test in them, one at a
/// time; each nested suite is declared in an extension in its own file.
@Suite(.serialized) enum ExclusiveTests {}

/// `bytes` in MiB with one decimal, for messages and reports.
func mebibytes(_ bytes: Int) -> String {
    let tenths = (bytes * 10 + (1 << 19)) >> 20
    return "\(tenths / 10).\(tenths % 10) MiB"
}
