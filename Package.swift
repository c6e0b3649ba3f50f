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
        .target(name: "JOSE", dependencies: ["COpenSSL"]),
        .executableTarget(name: "tokengate", dependencies: ["JOSE", "CCurl"]),
        .executableTarget(
            name: "verify-bench",
            dependencies: ["JOSE"],
            path: "bench/verify-bench"
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE", "COpenSSL"]
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["JOSE"]
        ),
    ]
)
