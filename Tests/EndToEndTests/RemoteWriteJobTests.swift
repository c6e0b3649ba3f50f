import Foundation
import Testing

extension ExclusiveTests {
    /// Mimir ingest (DESIGN.md, job 2) with Debian's Prometheus on both sides: senders that
    /// scrape themselves every second and `remote_write` through tokengate to a Prometheus
    /// receiver, with a projected service-account token in a `credentials_file` or with a
    /// token of an OAuth2 `client_credentials` grant (field cases F25, F27).
    ///
    /// The senders start together and are judged together, since most of the time goes to
    /// a sender's first write (its write-ahead log is read for some five seconds first):
    /// one scenario of some ten seconds rather than one per sender.
    @Suite(.serialized) struct RemoteWriteJobTests {
        /// The header Mimir takes the tenant from.
        static let tenantHeader = "X-Scope-OrgID"

        /// The external labels of the senders whose series must arrive.
        static let admitted: Set<String> = ["service-account", "oauth2"]

        /// One sender per kind of credential, each with its own external label, so that the
        /// receiver shows whose series arrived.
        ///
        /// - `service-account`: cluster A's token for monitoring/prometheus, admitted; it
        ///   also writes through `echo-push`, whose upstream records what arrives;
        /// - `oauth2`: a token from the client credentials grant, admitted by `edge-push`;
        /// - `wrong-subject`: cluster A's token for monitoring/grafana-agent: 403, which
        ///   Prometheus drops and does not retry;
        /// - `expired`: monitoring/prometheus's token, expired an hour ago: 401, dropped
        ///   (F25);
        /// - `keyless`: a token of cluster B, whose keys were never loaded: 503, which
        ///   Prometheus retries (F25's other half).
        ///
        /// Then curl posts to `echo-push` with the service-account sender's token and an
        /// `X-Scope-OrgID` of its own (F27), which Debian's Prometheus cannot send.
        @Test func ingestsTheSeriesOfAdmittedSendersAndNoneOfTheRefused() throws {
            let job = try RemoteWriteJob()
            defer { job.stop() }
            let started = ContinuousClock.now
            let senders = try Senders(starting: job)

            let settled = Self.waitUntil(within: .seconds(30)) {
                let arrived = Set(try job.receiver.labelValues("sender"))
                let dropped = [
                    try senders.wrongSubject.failedSamples(of: "mimir"),
                    try senders.expired.failedSamples(of: "mimir"),
                ]
                let retried = try senders.keyless.retriedSamples(of: "keyless")
                let echoed = try job.proxy.upstream().records()
                return arrived.isSuperset(of: Self.admitted) && dropped.allSatisfy { $0 > 0 }
                    && retried > 0 && !echoed.isEmpty
            }
            print("remote write: senders settled after \(ContinuousClock.now - started)")

            #expect(settled, "not every sender was answered within 30 s: \(senders.problems)")
            #expect(
                try job.receiver.labelValues("sender").sorted() == Self.admitted.sorted(),
                "\(senders.problems)")
            try Self.checkAdmitted(senders.serviceAccount, remotes: ["mimir", "tenant-echo"])
            try Self.checkAdmitted(senders.oauth2, remotes: ["mimir"])
            try Self.checkDropped(
                senders.wrongSubject, remote: "mimir", answer: "403 Forbidden",
                description: "allow #1: claims.sub")
            try Self.checkDropped(
                senders.expired, remote: "mimir", answer: "401 Unauthorized",
                description: "token expired")
            try Self.checkRetried(
                senders.keyless, remote: "keyless", answer: "503 Service Unavailable")
            try Self.checkClientCredentialsGrant(job)
            try Self.checkPushesReachedTheUpstreamWithTheTokensTenant(
                job, tokenPath: senders.serviceAccountTokenPath)
        }

        /// The five senders of the scenario, started at once.
        struct Senders {
            let serviceAccount: PrometheusServer
            let oauth2: PrometheusServer
            let wrongSubject: PrometheusServer
            let expired: PrometheusServer
            let keyless: PrometheusServer
            /// The token file of `serviceAccount`.
            let serviceAccountTokenPath: String

            init(starting job: RemoteWriteJob) throws {
                let push = job.url("/api/v1/push")
                serviceAccountTokenPath = try job.serviceAccountTokenFile()
                serviceAccount = try job.startSender(
                    label: "service-account",
                    remoteWrites: [
                        .init(
                            name: "mimir", url: push,
                            credential: .credentialsFile(serviceAccountTokenPath)),
                        .init(
                            name: "tenant-echo", url: job.url("/echo/api/v1/push"),
                            credential: .credentialsFile(serviceAccountTokenPath)),
                    ])
                oauth2 = try job.startSender(
                    label: "oauth2",
                    remoteWrites: [
                        .init(
                            name: "mimir", url: job.url("/edge/api/v1/push"),
                            credential: .oauth2(
                                clientID: RemoteWriteJob.edgeClientID,
                                clientSecret: RemoteWriteJob.edgeClientSecret,
                                tokenURL: job.tokenEndpoint.tokenURL, scope: "remote-write"))
                    ])
                wrongSubject = try job.startSender(
                    label: "wrong-subject",
                    remoteWrites: [
                        .init(
                            name: "mimir", url: push,
                            credential: .credentialsFile(
                                try job.serviceAccountTokenFile(serviceAccount: "grafana-agent")))
                    ])
                expired = try job.startSender(
                    label: "expired",
                    remoteWrites: [
                        .init(
                            name: "mimir", url: push,
                            credential: .credentialsFile(
                                try job.serviceAccountTokenFile(isExpired: true)))
                    ])
                keyless = try job.startSender(
                    label: "keyless",
                    remoteWrites: [
                        .init(
                            name: "keyless", url: job.url("/keyless/api/v1/push"),
                            credential: .credentialsFile(
                                try job.serviceAccountTokenFile(
                                    issuer: RemoteWriteJob.keylessIssuer)))
                    ])
            }

            /// Every sender's warnings and errors, for failure messages.
            var problems: String {
                [serviceAccount, oauth2, wrongSubject, expired, keyless].map {
                    "--- \($0.name):\n\($0.problems)"
                }.joined(separator: "\n")
            }
        }

        /// Whose writes to `remotes` all succeeded: some sent, none failed, none retried.
        static func checkAdmitted(_ sender: PrometheusServer, remotes: [String]) throws {
            for remote in remotes {
                #expect(try sender.sentSamples(of: remote) > 0, "\(sender.problems)")
                #expect(try sender.failedSamples(of: remote) == 0, "\(sender.problems)")
                #expect(try sender.retriedSamples(of: remote) == 0, "\(sender.problems)")
            }
        }

        /// Whose writes to `remote` got `answer` with `description` in tokengate's error
        /// body, and were dropped, not retried.
        static func checkDropped(
            _ sender: PrometheusServer, remote: String, answer: String, description: String
        ) throws {
            let errors = sender.logLines(ofRemote: remote).filter { $0.contains("level=error") }
            #expect(!errors.isEmpty, "\(sender.name): \(sender.problems)")
            for line in errors {
                #expect(line.contains("msg=\"non-recoverable error\""), "\(line)")
                #expect(line.contains("server returned HTTP status \(answer)"), "\(line)")
                #expect(line.contains(description), "\(line)")
            }
            #expect(try sender.failedSamples(of: remote) > 0, "\(sender.name)")
            #expect(try sender.retriedSamples(of: remote) == 0, "\(sender.name)")
        }

        /// Whose writes to `remote` got `answer` and are retried, none dropped.
        static func checkRetried(_ sender: PrometheusServer, remote: String, answer: String)
            throws
        {
            let warnings = sender.logLines(ofRemote: remote).filter {
                $0.contains("msg=\"Failed to send batch, retrying\"")
            }
            #expect(!warnings.isEmpty, "\(sender.name): \(sender.problems)")
            for line in warnings {
                #expect(line.contains("server returned HTTP status \(answer)"), "\(line)")
            }
            #expect(try sender.retriedSamples(of: remote) > 0, "\(sender.name)")
            #expect(try sender.failedSamples(of: remote) == 0, "\(sender.name)")
        }

        /// The OAuth2 sender asked the token endpoint for its token as RFC 6749 §4.4 says:
        /// client authenticated with HTTP Basic, `grant_type=client_credentials`, its scope.
        static func checkClientCredentialsGrant(_ job: RemoteWriteJob) throws {
            let records = try job.tokenEndpoint.records()
            let granted = TokenRequestRecord(
                method: "POST", path: "/token", clientID: RemoteWriteJob.edgeClientID,
                clientAuthentication: "basic", grantType: "client_credentials",
                scope: "remote-write", status: 200)
            #expect(!records.isEmpty)
            #expect(records.allSatisfy { $0 == granted }, "\(records)")
        }

        /// F27: curl posts through `echo-push` with the service-account token in
        /// `tokenPath` and `X-Scope-OrgID: other`; then every push the upstream received,
        /// Prometheus' and curl's, came on the mapped path with exactly one `X-Scope-OrgID`,
        /// the token's namespace, and without the token; Prometheus' as it wrote them,
        /// snappy-compressed protobuf with their length intact.
        static func checkPushesReachedTheUpstreamWithTheTokensTenant(
            _ job: RemoteWriteJob, tokenPath: String
        ) throws {
            let token = try String(contentsOfFile: tokenPath, encoding: .utf8)
            let curl = try ShellCommand.run(
                "\(try ShellCommand.curl()) -sS -o /dev/null -w '%{http_code}' "
                    + "-H 'Authorization: Bearer \(token)' -H '\(tenantHeader): other' "
                    + "-H 'Content-Type: application/x-protobuf' -H 'Content-Encoding: snappy' "
                    + "--data-binary 'not really snappy' \(job.url("/echo/api/v1/push"))",
                timeout: .seconds(10))
            #expect(curl.standardOutput == "200", "\(curl)")

            let records = try job.proxy.upstream().records()
            let fromCurl = records.filter { $0.value(of: "user-agent")?.hasPrefix("curl/") == true }
            let fromPrometheus = records.filter {
                $0.value(of: "user-agent")?.hasPrefix("Prometheus/") == true
            }
            #expect(fromCurl.count == 1)
            #expect(!fromPrometheus.isEmpty)
            #expect(fromCurl.count + fromPrometheus.count == records.count)
            #expect(Set(records.map { "\($0.method) \($0.target)" }) == ["POST /api/v1/write"])
            #expect(Set(records.map { $0.values(of: tenantHeader) }) == [["monitoring"]])
            #expect(records.allSatisfy { $0.values(of: "authorization").isEmpty })
            #expect(Set(fromPrometheus.map { $0.values(of: "content-encoding") }) == [["snappy"]])
            #expect(
                Set(fromPrometheus.map { $0.values(of: "content-type") })
                    == [["application/x-protobuf"]])
            #expect(
                Set(fromPrometheus.map { $0.values(of: "x-prometheus-remote-write-version") })
                    == [["0.1.0"]])
            #expect(
                fromPrometheus.allSatisfy {
                    $0.bodyLength > 0 && $0.values(of: "content-length") == ["\($0.bodyLength)"]
                })
        }

        /// Polls `condition` until it holds or `timeout` passes; a condition that throws
        /// (a metric not yet there) counts as not holding.
        static func waitUntil(within timeout: Duration, _ condition: () throws -> Bool) -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if (try? condition()) == true { return true }
                usleep(200_000)
            }
            return false
        }
    }
}

extension PrometheusServer {
    /// Samples the queue `remote` gave up on after a non-recoverable answer (a 4xx).
    func failedSamples(of remote: String) throws -> Double {
        try remoteWriteCounter("prometheus_remote_storage_samples_failed_total", remote: remote)
    }

    /// Samples the queue `remote` sent again after a recoverable answer (a 5xx).
    func retriedSamples(of remote: String) throws -> Double {
        try remoteWriteCounter("prometheus_remote_storage_samples_retried_total", remote: remote)
    }

    /// Samples the queue `remote` sent, whatever the answer.
    func sentSamples(of remote: String) throws -> Double {
        try remoteWriteCounter("prometheus_remote_storage_samples_total", remote: remote)
    }

    /// Its log lines of level warn or error, for failure messages.
    var problems: String {
        log.split(separator: "\n").filter {
            $0.contains("level=warn") || $0.contains("level=error")
        }.joined(separator: "\n")
    }
}
