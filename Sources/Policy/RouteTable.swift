/// Chooses a route for a request as nginx chooses a server and then a location: routes
/// naming the request's host exactly first, then those matching it by wildcard, then routes
/// without a host; within the first of these that has a match, the longest path prefix,
/// matched at a segment boundary; ties to the one written first.
public struct RouteTable<Route: Sendable>: Sendable {
    /// One route's matching rules.
    public struct Entry: Sendable {
        /// Host patterns: exact names or `*.example.com`; empty matches any host.
        public var hosts: [String]
        /// The path prefix, without a trailing slash (`/` stays `/`).
        public var pathPrefix: String
        /// Allowed methods; empty allows all.
        public var methods: [String]
        /// What the route leads to.
        public var route: Route

        /// An entry; a trailing slash of `pathPrefix` is ignored and host patterns are
        /// compared in lower case.
        public init(hosts: [String], pathPrefix: String, methods: [String], route: Route) {
            self.hosts = hosts.map { $0.lowercased() }
            var prefix = pathPrefix
            while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
            self.pathPrefix = prefix
            self.methods = methods
            self.route = route
        }
    }

    /// What the table decided.
    public enum Choice {
        /// The route, for a method it allows.
        case route(Route)
        /// A route's path matched but not its methods: 405 with this `Allow` list.
        case methodNotAllowed(Route, allow: [String])
        /// No route matches: 404.
        case notFound
    }

    private let entries: [Entry]

    /// A table of `entries` in the order they were written.
    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// The route for a normalised `path` on `host` (lower case, without port).
    public func choose(host: String?, path: String, method: String) -> Choice {
        // As nginx picks a server: exact names first, then wildcards, then routes without a
        // host; the first tier with a matching path decides. One pass, no allocation.
        var bestExact: Entry?
        var bestWildcard: Entry?
        var bestHostless: Entry?
        for entry in entries where Self.prefixMatches(entry.pathPrefix, path) {
            if entry.hosts.isEmpty {
                Self.keepLonger(&bestHostless, entry)
            } else if let host, entry.hosts.contains(host) {
                Self.keepLonger(&bestExact, entry)
            } else if Self.hostMatches(entry.hosts, host) {
                Self.keepLonger(&bestWildcard, entry)
            }
        }
        guard let entry = bestExact ?? bestWildcard ?? bestHostless else { return .notFound }
        if entry.methods.isEmpty || entry.methods.contains(method)
            || (method == "HEAD" && entry.methods.contains("GET"))
        {
            return .route(entry.route)
        }
        var allow = entry.methods
        if allow.contains("GET") && !allow.contains("HEAD") { allow.append("HEAD") }
        return .methodNotAllowed(entry.route, allow: allow)
    }

    /// Keeps `candidate` when its prefix is longer than the one kept: ties go to the first.
    private static func keepLonger(_ kept: inout Entry?, _ candidate: Entry) {
        if candidate.pathPrefix.utf8.count > (kept?.pathPrefix.utf8.count ?? -1) {
            kept = candidate
        }
    }

    /// `/v2` matches `/v2` and `/v2/x`, never `/v2x`; `/` matches every path.
    static func prefixMatches(_ prefix: String, _ path: String) -> Bool {
        if prefix == "/" { return true }
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    /// Exact names, or `*.example.com` for one or more labels before `example.com`.
    static func hostMatches(_ patterns: [String], _ host: String?) -> Bool {
        guard let host else { return false }
        return patterns.contains { pattern in
            if pattern.hasPrefix("*.") {
                let suffix = pattern.dropFirst(1)
                return host.hasSuffix(suffix) && host.utf8.count > suffix.utf8.count
            }
            return pattern == host
        }
    }
}
