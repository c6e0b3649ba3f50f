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
        /// The header Prometheus' `remote_write` and Mimir give the tenant by.
        static let tenantHeader = "X-Scope-OrgID"

        /// The external labels of the senders whose series must arrive.
        static let admitted: Set<String> = ["service-account", "oauth2"]

        /// One sender per kind of credential, each with its own external label, so that the
        /// receiver shows whose series arrived.
        ///
        /// - `service-account`: cluster A's token for monitoring/prometheus, admitted; it
        ///   also writes through `echo-push`, sending `X-Scope-OrgID: other` itself;
        /// - `oauth2`: a token from the client credentials grant, admitted by `edge-push`;
        /// - `wrong-subject`: cluster A's token for monitoring/grafana-agent: 403, which
        ///   Prometheus drops and does not retry;
        /// - `expired`: monitoring/prometheus's token, expired an hour ago: 401, dropped
        ///   (F25);
        /// - `keyless`: a token of cluster B, whose keys were never loaded: 503, which
        ///   Prometheus retries (F25's other half).
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

            #expect(settled, "not every sender was answered within 30 s")
            #expect(
                try job.receiver.labelValues("sender").sorted() == Self.admitted.sorted(),
                "\(senders.logs)")
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
            try Self.checkTenantReachedTheUpstream(job)
            try Self.checkClientCredentialsGrant(job)
        }

        /// The five senders of the scenario, started at once.
        struct Senders {
            let serviceAccount: PrometheusServer
            let oauth2: PrometheusServer
            let wrongSubject: PrometheusServer
            let expired: PrometheusServer
            let keyless: PrometheusServer

            init(starting job: RemoteWriteJob) throws {
                let push = job.url("/api/v1/push")
                serviceAccount = try job.startSender(
                    label: "service-account",
                    remoteWrites: [
                        .init(
                            name: "mimir", url: push,
                            credential: .credentialsFile(try job.serviceAccountTokenFile()),
                            headers: [(tenantHeader, "other")]),
                        .init(
                            name: "tenant-echo", url: job.url("/echo/api/v1/push"),
                            credential: .credentialsFile(try job.serviceAccountTokenFile()),
                            headers: [(tenantHeader, "other")]),
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
            var logs: String {
                [serviceAccount, oauth2, wrongSubject, expired, keyless].map { sender in
                    let lines = sender.log.split(separator: "\n").filter {
                        $0.contains("level=error") || $0.contains("level=warn")
                    }
                    return "--- \(sender.name):\n" + lines.joined(separator: "\n")
                }.joined(separator: "\n")
            }
        }

        /// Whose writes to `remotes` all succeeded: none failed, none was retried.
        static func checkAdmitted(_ sender: PrometheusServer, remotes: [String]) throws {
            for remote in remotes {
                #expect(try sender.failedSamples(of: remote) == 0, "\(sender.log)")
                #expect(try sender.retriedSamples(of: remote) == 0, "\(sender.log)")
                #expect(try sender.sentSamples(of: remote) > 0, "\(sender.log)")
            }
        }

        /// Whose writes to `remote` got `answer` with `description` in tokengate's error
        /// body, and were dropped, not retried.
        static func checkDropped(
            _ sender: PrometheusServer, remote: String, answer: String, description: String
        ) throws {
            let errors = sender.logLines(ofRemote: remote).filter { $0.contains("level=error") }
            #expect(!errors.isEmpty, "\(sender.log)")
            for line in errors {
                #expect(line.contains("msg=\"non-recoverable error\""), "\(line)")
                #expect(line.contains("server returned HTTP status \(answer)"), "\(line)")
                #expect(line.contains(description), "\(line)")
            }
            #expect(try sender.failedSamples(of: remote) > 0, "\(sender.log)")
            #expect(try sender.retriedSamples(of: remote) == 0, "\(sender.log)")
        }

        /// Whose writes to `remote` got `answer` and are retried, none dropped.
        static func checkRetried(_ sender: PrometheusServer, remote: String, answer: String)
            throws
        {
            let warnings = sender.logLines(ofRemote: remote).filter {
                $0.contains("msg=\"Failed to send batch, retrying\"")
            }
            #expect(!warnings.isEmpty, "\(sender.log)")
            for line in warnings {
                #expect(line.contains("server returned HTTP status \(answer)"), "\(line)")
            }
            #expect(try sender.retriedSamples(of: remote) > 0, "\(sender.log)")
            #expect(try sender.failedSamples(of: remote) == 0, "\(sender.log)")
        }

        /// F27: every push through `echo-push` reached the upstream as Prometheus wrote it
        /// (snappy-compressed protobuf, its length intact, on the mapped path) with exactly
        /// one `X-Scope-OrgID`, the token's namespace, though the sender sent `other`; and
        /// without the token.
        static func checkTenantReachedTheUpstream(_ job: RemoteWriteJob) throws {
            let records = try job.proxy.upstream().records()
            #expect(!records.isEmpty)
            for record in records {
                #expect(record.method == "POST")
                #expect(record.target == "/api/v1/write")
                #expect(record.values(of: tenantHeader) == ["monitoring"], "\(record.headers)")
                #expect(record.values(of: "content-encoding") == ["snappy"])
                #expect(record.values(of: "content-type") == ["application/x-protobuf"])
                #expect(record.values(of: "x-prometheus-remote-write-version") == ["0.1.0"])
                #expect(record.values(of: "authorization").isEmpty)
                #expect(record.values(of: "content-length") == ["\(record.bodyLength)"])
                #expect(record.bodyLength > 0)
            }
        }

        /// The OAuth2 sender asked the token endpoint for its token as RFC 6749 §4.4 says:
        /// client authenticated with HTTP Basic, `grant_type=client_credentials`, its scope.
        static func checkClientCredentialsGrant(_ job: RemoteWriteJob) throws {
            let records = try job.tokenEndpoint.records()
            #expect(!records.isEmpty)
            let granted = TokenRequestRecord(
                method: "POST", path: "/token", clientID: RemoteWriteJob.edgeClientID,
                clientAuthentication: "basic", grantType: "client_credentials",
                scope: "remote-write", status: 200)
            #expect(records.allSatisfy { $0 == granted }, "\(records)")
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
}
