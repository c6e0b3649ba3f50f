import KeySets

/// `/metrics` in Prometheus' text exposition format (version 0.0.4): names prefixed
/// `tokengate_`, units in the names, label values escaped.
enum MetricsText {
    /// The whole page for the loops' counters and the issuers' key states at `now`.
    static func render(_ snapshot: MetricsSnapshot, issuers: [IssuerKeyState], now: Double)
        -> String
    {
        var text = ""
        family(
            &text, "tokengate_requests_total", "counter",
            "Requests answered, by route, status and decision.")
        for (key, count) in snapshot.requests.sorted(by: { order($0.key, $1.key) }) {
            let labels = labelText([
                ("route", key.route), ("status", String(key.status)), ("decision", key.decision),
            ])
            text += "tokengate_requests_total\(labels) \(count)\n"
        }
        histogram(
            &text, "tokengate_request_duration_seconds",
            "Time from a request's head to the end of its response, by route.",
            snapshot.durations)
        histogram(
            &text, "tokengate_upstream_response_seconds",
            "Time from sending a request upstream to the upstream's response head, by route.",
            snapshot.upstreamDurations)
        family(
            &text, "tokengate_token_cache_hits_total", "counter",
            "Tokens found in the verified-token cache.")
        text += "tokengate_token_cache_hits_total \(snapshot.cacheHits)\n"
        family(
            &text, "tokengate_token_cache_misses_total", "counter",
            "Tokens not found in the verified-token cache.")
        text += "tokengate_token_cache_misses_total \(snapshot.cacheMisses)\n"
        family(
            &text, "tokengate_open_connections", "gauge", "Client connections open now.")
        text += "tokengate_open_connections \(snapshot.openConnections)\n"
        issuerFamilies(&text, issuers, now: now)
        return text
    }

    private static func issuerFamilies(
        _ text: inout String, _ issuers: [IssuerKeyState], now: Double
    ) {
        family(
            &text, "tokengate_key_set_loaded", "gauge",
            "1 when the issuer has a key set that requests may use, else 0.")
        for state in issuers {
            let loaded = state.usableSnapshot(at: now) == nil ? 0 : 1
            text +=
                "tokengate_key_set_loaded\(labelText([("issuer", state.issuerName)])) \(loaded)\n"
        }
        family(
            &text, "tokengate_key_set_age_seconds", "gauge",
            "Seconds since the issuer's current key set was loaded.")
        for state in issuers {
            guard let snapshot = state.snapshot else { continue }
            let age = max(0, now - snapshot.loadedAt)
            text +=
                "tokengate_key_set_age_seconds\(labelText([("issuer", state.issuerName)])) "
                + "\(number(age))\n"
        }
        family(
            &text, "tokengate_key_fetches_total", "counter",
            "Key set fetches by issuer and result.")
        for state in issuers {
            for (result, count) in [
                ("success", state.fetchCounts.succeeded), ("failure", state.fetchCounts.failed),
            ] {
                let labels = labelText([("issuer", state.issuerName), ("result", result)])
                text += "tokengate_key_fetches_total\(labels) \(count)\n"
            }
        }
        family(
            &text, "tokengate_key_fetch_last_error_timestamp_seconds", "gauge",
            "Unix time of the issuer's last failed key fetch; 0 when none failed.")
        for state in issuers {
            let labels = labelText([("issuer", state.issuerName)])
            text +=
                "tokengate_key_fetch_last_error_timestamp_seconds\(labels) "
                + "\(number(state.lastErrorAt ?? 0))\n"
        }
    }

    private static func histogram(
        _ text: inout String, _ name: String, _ help: String,
        _ histograms: [String: LatencyHistogram]
    ) {
        family(&text, name, "histogram", help)
        for (route, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            let cumulative = histogram.cumulativeCounts
            let bounds = LatencyHistogram.bounds.map(number) + ["+Inf"]
            for (bound, count) in zip(bounds, cumulative) {
                text += "\(name)_bucket\(labelText([("route", route), ("le", bound)])) \(count)\n"
            }
            let labels = labelText([("route", route)])
            text += "\(name)_sum\(labels) \(number(histogram.sum))\n"
            text += "\(name)_count\(labels) \(histogram.count)\n"
        }
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String)
    {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// `{a="x",b="y"}` with `\`, `"` and newlines escaped.
    static func labelText(_ labels: [(String, String)]) -> String {
        let pairs = labels.map { name, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(escaped)\""
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// A number as Prometheus reads it: integers without a fraction.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func order(
        _ first: RequestMetrics.RequestKey, _ second: RequestMetrics.RequestKey
    )
        -> Bool
    {
        (first.route, first.status, first.decision) < (second.route, second.status, second.decision)
    }
}
