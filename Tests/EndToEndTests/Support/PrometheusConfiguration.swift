/// prometheus.yml for the remote write tests: a receiver that stores what it is sent, and
/// senders that scrape themselves every second and write to one or more remote endpoints.
///
/// Every value is written as a double-quoted YAML scalar (JSON's quoting, which YAML
/// reads alike), so paths and tokens need no care. A `remote_write` entry has no
/// `headers:`: Debian's Prometheus 2.42 accepts them and never sends them.
enum PrometheusConfiguration {
    /// A receiver's: no scrapes, no rules; its series come from remote writes alone.
    static let receiver = "global: {}\n"

    /// How a sender authenticates its writes to one remote endpoint.
    enum Credential {
        /// `authorization: credentials_file:`: the token in a file, sent as `Bearer`, as a
        /// projected service-account token is mounted.
        case credentialsFile(String)
        /// `oauth2:` with the client credentials grant at `tokenURL`, asking for `scope`.
        case oauth2(clientID: String, clientSecret: String, tokenURL: String, scope: String)
    }

    /// One `remote_write` entry.
    struct RemoteWrite {
        /// The queue's `name`: the `remote_name` of its metrics and log lines.
        var name: String
        /// Where it writes.
        var url: String
        /// How it authenticates.
        var credential: Credential

        /// The entry as YAML list item, indented for `remote_write:`.
        var yaml: String {
            var lines = ["  - name: \(quoted(name))", "    url: \(quoted(url))"]
            switch credential {
            case .credentialsFile(let path):
                lines += ["    authorization:", "      credentials_file: \(quoted(path))"]
            case .oauth2(let clientID, let clientSecret, let tokenURL, let scope):
                lines += [
                    "    oauth2:", "      client_id: \(quoted(clientID))",
                    "      client_secret: \(quoted(clientSecret))",
                    "      token_url: \(quoted(tokenURL))",
                    "      scopes: [\(quoted(scope))]",
                ]
            }
            // Small batches sent at least every second, and quick retries, so that series
            // arrive within seconds of the first scrape.
            lines += [
                "    queue_config:", "      batch_send_deadline: 1s", "      min_backoff: 100ms",
                "      max_backoff: 1s",
            ]
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// A sender that scrapes itself on `{PORT}` every second, carries the external label
    /// `sender: label` on every series it writes, and writes to `remoteWrites`.
    static func sender(label: String, remoteWrites: [RemoteWrite]) -> String {
        """
        global:
          scrape_interval: 1s
          external_labels:
            sender: \(quoted(label))
        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ["127.0.0.1:\(PrometheusServer.portPlaceholder)"]
        remote_write:

        """ + remoteWrites.map(\.yaml).joined()
    }
}

/// `text` as a double-quoted YAML scalar.
private func quoted(_ text: String) -> String {
    TokenClaims.quoted(text)
}
