import Config
import Foundation
import Gateway
import HTTP1
import JOSE
import KeySets
import Policy

/// `verify --config FILE --route NAME`: the whole decision of one route, offline, with the
/// values that decided it.
enum RouteVerifyCommand {
    static func run(_ arguments: CommandLineArguments, token: [UInt8], now: Double) throws {
        let path = try arguments.required("--config")
        let routeName = try arguments.required("--route")
        let configuration = try loadConfiguration(path)
        if case .failure(let errors) = GatewayConfiguration.compile(configuration) {
            throw CommandOutcome.refused(errors.description)
        }
        guard let route = configuration.route(named: routeName) else {
            throw CommandOutcome.usage("no route named \(routeName) in \(path)")
        }
        guard route.requiresAuthentication else {
            Terminal.printLine("{}")
            Terminal.printError("allowed: route \(routeName) has auth off")
            return
        }
        let names = route.issuers.isEmpty ? configuration.issuers.map(\.name) : route.issuers
        let issuers = names.compactMap(configuration.issuer(named:))
        // A token that is not even a JWS is said to be one, not to lack an `iss`.
        do {
            _ = try CompactJWS(token)
        } catch {
            throw CommandOutcome.refused(error.detail)
        }
        let iss = peekIssuer(token)
        let candidates = issuers.filter { issuer in
            iss.map { issuer.issuer.utf8.elementsEqual($0.utf8) } == true
        }
        guard !candidates.isEmpty else {
            let expected = issuers.first?.issuer ?? ""
            throw CommandOutcome.refused(
                TokenRejection.wrongIssuer(actual: iss, expected: expected).detail)
        }

        var firstFailure: String?
        for issuer in candidates {
            let keySet: KeySet
            do {
                keySet = try loadKeys(issuer)
            } catch {
                firstFailure = firstFailure ?? "issuer keys unavailable: \(issuer.name): \(error)"
                continue
            }
            let verifier = TokenVerifier(
                keySet: keySet, algorithms: algorithms(issuer), hmacSecret: secret(issuer),
                rules: rules(issuer, grace: route.expiryGrace), issuerName: issuer.name)
            switch verifier.verify(token, at: now) {
            case .failure(let rejection):
                firstFailure = firstFailure ?? rejection.detail
            case .success(let verified):
                return try decide(verified.claims, issuer: issuer.name, route: route, arguments)
            }
        }
        throw CommandOutcome.refused(firstFailure ?? "no issuer accepted the token")
    }

    /// Applies the route's `allow` rules and header templates to verified claims.
    private static func decide(
        _ claims: JSONObject, issuer: String, route: RouteConfiguration,
        _ arguments: CommandLineArguments
    ) throws {
        // `request.path` is the path as the proxy normalises it, or no decision at all.
        let requested = try arguments.value("--path") ?? route.path
        let path: String
        do throws(RequestError) {
            path = try PathNormalizer.normalize(requested)
        } catch {
            throw CommandOutcome.refused("the proxy answers \(error.status): \(error.reason)")
        }
        let context = PolicyContext(
            claims: claims.policyValues,
            issuer: issuer, method: try arguments.value("--method") ?? "GET", path: path,
            host: try arguments.value("--host"))
        let rules = route.allowExpressions.compactMap { try? AllowRule(compiling: $0.text) }
        switch AllowRules(rules).evaluate(context) {
        case .deny(let denial):
            throw CommandOutcome.refused(denial.reasonWithValues)
        case .allow(let rule):
            for assignment in route.setHeaders {
                let template = try? HeaderTemplate(
                    compiling: assignment.value.text, header: assignment.name)
                if case .failure(let denial) = template?.render(context) {
                    throw CommandOutcome.refused(denial.reasonWithValues)
                }
            }
            Terminal.printLine(JSONValue.object(claims).serialized)
            Terminal.printError("allowed by allow #\(rule) (issuer \(issuer))")
        }
    }

    /// The issuer's keys: its file, or one fetch from its URL or by discovery.
    private static func loadKeys(_ issuer: IssuerConfiguration) throws -> KeySet {
        if let file = issuer.jwksFile {
            return try KeySet(jwks: try readFile(file))
        }
        if issuer.jwksURL == nil, !issuer.usesDiscovery, issuer.hmacSecretFile != nil {
            return KeySet(keys: [])
        }
        let location: IssuerKeySource.Location =
            issuer.jwksURL.map { .url($0.description) } ?? .discovery
        let source = IssuerKeySource(
            name: issuer.name, issuer: issuer.issuer, location: location, caFile: issuer.caFile,
            policy: KeyRefreshPolicy())
        let registry = KeySetRegistry(sources: [source], fetcher: try CurlDocumentFetcher())
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        registry.subscribe { event in
            if case .fetchFailed(_, let reason) = event { failure.reason = reason }
            done.signal()
        }
        _ = registry.kidMissed(issuer: issuer.name)
        _ = done.wait(timeout: .now() + 15)
        guard let snapshot = registry.snapshot(for: issuer.name) else {
            throw KeyFetchError(failure.reason ?? "no answer within 15 seconds")
        }
        return snapshot.keySet
    }

    private static func algorithms(_ issuer: IssuerConfiguration) -> Set<SignatureAlgorithm> {
        Set(issuer.algorithms.compactMap(SignatureAlgorithm.init(rawValue:)))
    }

    private static func secret(_ issuer: IssuerConfiguration) -> [UInt8]? {
        guard let path = issuer.hmacSecretFile, var bytes = try? readFile(path) else { return nil }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return bytes
    }

    private static func rules(_ issuer: IssuerConfiguration, grace: Duration) -> ClaimRules {
        let audiences: [String]?
        switch issuer.audience {
        case .any: audiences = nil
        case .oneOf(let values): audiences = values
        }
        return ClaimRules(
            issuer: issuer.issuer, audiences: audiences,
            leeway: GatewayConfiguration.seconds(issuer.leeway),
            expiryGrace: GatewayConfiguration.seconds(grace))
    }

    private static func peekIssuer(_ token: [UInt8]) -> String? {
        guard let jws = try? CompactJWS(token),
            let claims = try? JSONParser.parseObject(jws.payload)
        else { return nil }
        return claims["iss"]?.stringValue
    }
}

/// A fetch failure's reason, handed from the fetcher's thread.
private final class Failure: @unchecked Sendable {
    var reason: String?
}
