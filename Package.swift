// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tokengate",
    products: [
        .executable(name: "tokengate", targets: ["tokengate"])
    ],
    targets: [
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "COpenSSL",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .target(name: "CLinux"),
        .target(name: "JOSE", dependencies: ["COpenSSL"]),
        .target(name: "HTTP1", dependencies: ["CLinux", "COpenSSL"]),
        .target(name: "KeySets", dependencies: ["JOSE", "Upstream"]),
        .target(name: "Upstream", dependencies: ["CCurl", "HTTP1"]),
        .target(name: "Policy"),
        .target(name: "Config"),
        .target(
            name: "Gateway",
            dependencies: ["HTTP1", "Upstream", "Policy", "Config", "JOSE", "KeySets", "COpenSSL"]),
        .executableTarget(
            name: "tokengate", dependencies: ["JOSE", "CCurl", "Config", "Gateway"]),
        .executableTarget(
            name: "verify-bench",
            dependencies: ["JOSE"],
            path: "bench/verify-bench"
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE", "COpenSSL"]
        ),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy"]),
        .testTarget(name: "KeySetsTests", dependencies: ["KeySets", "JOSE", "HTTP1"]),
        .testTarget(name: "EndToEndTests"),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["JOSE"]
        ),
    ]
)
