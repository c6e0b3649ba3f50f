import Glibc

/// The wall clock as RFC 3339 UTC text with milliseconds (`2026-12-04T07:30:01.123Z`).
///
/// The text up to the seconds is kept and made again only when the second changes, so that
/// a busy loop spends no calendar arithmetic per line.
struct LogTimestamp {
    private var second = -1
    private var prefix = ""

    /// The time now.
    mutating func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        if time.tv_sec != second {
            second = time.tv_sec
            prefix = Self.secondsText(time.tv_sec)
        }
        let milliseconds = time.tv_nsec / 1_000_000
        let digits = String(milliseconds)
        return prefix + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a Unix time, in UTC.
    static func secondsText(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
