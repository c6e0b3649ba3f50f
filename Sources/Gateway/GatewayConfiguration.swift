import Config
import Foundation
import JOSE
import KeySets
import Policy

/// One issuer block as every event loop checks tokens against it.
public struct IssuerSettings: Sendable {
    let name: String
    let issuer: String
    let algorithms: Set<SignatureAlgorithm>
    let hmacSecret: [UInt8]?
    let audiences: [String]?
    let leeway: Double
    let maxStale: Double
    /// Whether keys come from a key set at all; an issuer with only `hmac_secret_file` has
    /// none, and its tokens are checked against the secret alone.
    let hasKeySet: Bool
}

/// A configuration made ready to serve: routes with compiled policies, issuer settings and
/// key sources.
///
/// Compiling is where an expression's errors are found, at their column.
public struct GatewayConfiguration: Sendable {
    /// The route table.
    public let routes: RouteTable<ProxyRoute>
    /// The issuer blocks.
    public let issuers: [IssuerSettings]
    /// Where each issuer's keys come from.
    public let keySources: [IssuerKeySource]

    /// Compiles `configuration`, or lists every problem as `FILE:LINE:COLUMN: message`.
    public static func compile(_ configuration: ProxyConfiguration)
        -> Result<GatewayConfiguration, ConfigurationErrors>
    {
        var diagnostics: [ConfigurationDiagnostic] = []
        var entries: [RouteTable<ProxyRoute>.Entry] = []
        for route in configuration.routes {
            let access = compileAccess(route, into: &diagnostics)
            let proxyRoute = ProxyRoute(
                name: route.name, pathPrefix: route.path,
                upstreamScheme: route.upstream.scheme.rawValue, upstreamHost: route.upstream.host,
                upstreamPort: route.upstream.port, upstreamBasePath: route.upstream.path,
                stripPrefix: route.stripsPrefix, preserveHost: route.preservesHost,
                maximumBodyLength: route.maxBodyBytes.map { UInt64($0) },
                upstreamTimeout: milliseconds(route.upstreamTimeout),
                upstreamIdleTimeout: milliseconds(route.upstreamIdleTimeout),
                upstreamCAFile: route.upstreamCAFile,
                responseHeaders: route.responseHeaders.map { ($0.name, $0.value.text) },
                access: access, removeHeaders: route.removeHeaders)
            entries.append(
                RouteTable.Entry(
                    hosts: route.hosts.map(\.description), pathPrefix: route.path,
                    methods: route.methods, route: proxyRoute))
        }
        var issuers: [IssuerSettings] = []
        var sources: [IssuerKeySource] = []
        for issuer in configuration.issuers {
            let (settings, source) = issuerSettings(issuer, into: &diagnostics)
            issuers.append(settings)
            if let source { sources.append(source) }
        }
        guard diagnostics.isEmpty else { return .failure(ConfigurationErrors(diagnostics)) }
        return .success(
            GatewayConfiguration(routes: RouteTable(entries), issuers: issuers, keySources: sources)
        )
    }

    private static func compileAccess(
        _ route: RouteConfiguration, into diagnostics: inout [ConfigurationDiagnostic]
    ) -> RouteAccess? {
        guard route.requiresAuthentication else { return nil }
        var rules: [AllowRule] = []
        for expression in route.allowExpressions {
            do {
                rules.append(try AllowRule(compiling: expression.text))
            } catch {
                diagnostics.append(
                    ConfigurationDiagnostic(
                        location: expression.location(atOffset: error.offset),
                        message: error.message))
            }
        }
        var headers: [(name: String, template: HeaderTemplate)] = []
        for assignment in route.setHeaders {
            do {
                let template = try HeaderTemplate(
                    compiling: assignment.value.text, header: assignment.name)
                headers.append((assignment.name, template))
            } catch {
                diagnostics.append(
                    ConfigurationDiagnostic(
                        location: assignment.value.location(atOffset: error.offset),
                        message: error.message))
            }
        }
        return RouteAccess(
            issuers: route.issuers,
            sources: route.tokenSources.map { $0 == .basic ? .basic : .bearer },
            allow: AllowRules(rules), setHeaders: headers, forwardsToken: route.forwardsToken,
            expiryGrace: seconds(route.expiryGrace))
    }

    private static func issuerSettings(
        _ issuer: IssuerConfiguration, into diagnostics: inout [ConfigurationDiagnostic]
    ) -> (IssuerSettings, IssuerKeySource?) {
        var secret: [UInt8]?
        if let path = issuer.hmacSecretFile {
            var bytes = FileManager.default.contents(atPath: path).map { Array($0) } ?? []
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            secret = bytes
        }
        let audiences: [String]?
        switch issuer.audience {
        case .any: audiences = nil
        case .oneOf(let values): audiences = values
        }
        let location: IssuerKeySource.Location?
        if let file = issuer.jwksFile {
            location = .file(file)
        } else if let url = issuer.jwksURL {
            location = .url(url.description)
        } else if issuer.usesDiscovery {
            location = .discovery
        } else {
            location = nil
        }
        let settings = IssuerSettings(
            name: issuer.name, issuer: issuer.issuer,
            algorithms: Set(issuer.algorithms.compactMap(SignatureAlgorithm.init(rawValue:))),
            hmacSecret: secret, audiences: audiences, leeway: seconds(issuer.leeway),
            maxStale: seconds(issuer.maxStale), hasKeySet: location != nil)
        let policy = KeyRefreshPolicy(
            refresh: seconds(issuer.refresh), kidMissInterval: seconds(issuer.kidMissInterval),
            maxStale: seconds(issuer.maxStale))
        let source = location.map {
            IssuerKeySource(
                name: issuer.name, issuer: issuer.issuer, location: $0, caFile: issuer.caFile,
                policy: policy)
        }
        return (settings, source)
    }

    /// A duration in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (whole, attoseconds) = duration.components
        return whole * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
