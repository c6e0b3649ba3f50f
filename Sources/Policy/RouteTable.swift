/// Chooses a route for a request as nginx chooses a server and then a location: routes
/// naming the request's host first, routes without a host after them; among those the
/// longest path prefix, matched at a segment boundary; ties to the one written first.
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
        case methodNotAllowed(allow: [String])
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
        let byHost = best(
            entries.filter { !$0.hosts.isEmpty && Self.hostMatches($0.hosts, host) },
            path: path)
        guard let entry = byHost ?? best(entries.filter { $0.hosts.isEmpty }, path: path) else {
            return .notFound
        }
        if entry.methods.isEmpty || entry.methods.contains(method)
            || (method == "HEAD" && entry.methods.contains("GET"))
        {
            return .route(entry.route)
        }
        var allow = entry.methods
        if allow.contains("GET") && !allow.contains("HEAD") { allow.append("HEAD") }
        return .methodNotAllowed(allow: allow)
    }

    /// The longest matching prefix; on a tie the first written.
    private func best(_ candidates: [Entry], path: String) -> Entry? {
        var chosen: Entry?
        for entry in candidates where Self.prefixMatches(entry.pathPrefix, path) {
            if entry.pathPrefix.utf8.count > (chosen?.pathPrefix.utf8.count ?? -1) {
                chosen = entry
            }
        }
        return chosen
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
