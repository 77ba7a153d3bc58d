// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "memtop",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PatinoxMemory", targets: ["PatinoxMemory"]),
        .library(name: "PatinoxConfiguration", targets: ["PatinoxConfiguration"]),
        .library(name: "MemtopSource", targets: ["MemtopSource"]),
        .library(name: "MemtopUI", targets: ["MemtopUI"]),
        .library(name: "MemtopFeed", targets: ["MemtopFeed"]),
        // PostgreSQL through the pool; a product of its own, so an app without PostgreSQL never builds postgres-nio.
        .library(name: "PatinoxPostgres", targets: ["PatinoxPostgres"]),
        .executable(name: "memtop", targets: ["memtop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["JSON", "Reloading"]),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "CPatinoxShims"),
        .target(
            name: "PatinoxMemory",
            dependencies: [
                "CPatinoxShims",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "PatinoxConfiguration",
            dependencies: [
                "PatinoxMemory",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "MemtopTOML",
            dependencies: ["PatinoxMemory", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "MemtopWorkload",
            dependencies: [
                "PatinoxMemory",
                "MemtopTOML",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // What the viewer and the publishing side share: the source protocol, recordings and their replay,
        // control replies, termination signals. Never the UI: a service that publishes links no ncurses.
        .target(
            name: "MemtopSource",
            dependencies: [
                "PatinoxMemory",
                "CPatinoxShims",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "MemtopFeed",
            dependencies: [
                "PatinoxMemory",
                "MemtopSource",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // A ConnectionFactory over postgres-nio's PostgresConnection; PatinoxMemory itself stays free of it.
        .target(
            name: "PatinoxPostgres",
            dependencies: [
                "PatinoxMemory",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CNCurses"),
        .target(
            name: "MemtopUI",
            dependencies: [
                "PatinoxMemory",
                "MemtopSource",
                "MemtopTOML",
                "CNCurses",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "memtop",
            dependencies: [
                "PatinoxMemory",
                "MemtopWorkload",
                "MemtopSource",
                "MemtopUI",
                "MemtopFeed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // A pool and its workload in a swift-service-lifecycle ServiceGroup: SIGTERM drains it (PoolServiceTests).
        .executableTarget(
            name: "memtop-graceful-example",
            dependencies: [
                "PatinoxMemory",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/GracefulShutdown"
        ),
        // The smallest publishing service: PatinoxMemory and the feed, no UI (CI checks it links no ncurses).
        .executableTarget(
            name: "memtop-publish-example",
            dependencies: ["PatinoxMemory", "MemtopFeed", "MemtopSource"],
            path: "Examples/PublishEngine"
        ),
        .testTarget(
            name: "PatinoxMemoryTests",
            dependencies: [
                "PatinoxMemory", "MemtopTestSupport",
                "memtop-graceful-example",  // run as a process by PoolServiceTests
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MemtopUITests",
            dependencies: [
                "MemtopUI", "MemtopSource", "MemtopTestSupport", "MemtopTOML", "PatinoxMemory",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(
            name: "MemtopFeedTests",
            dependencies: [
                "MemtopFeed", "MemtopSource", "MemtopTestSupport", "MemtopWorkload", "PatinoxMemory",
                "memtop-publish-example",  // run as a process by ExamplePublisherTests
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            exclude: ["Interop"]
        ),
        // Helpers shared by test targets: a private nats-server, process spawning, polling, test requirements.
        .target(
            name: "MemtopTestSupport",
            dependencies: [
                "PatinoxMemory",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "GuideTests",
            dependencies: [
                "MemtopFeed", "MemtopTestSupport", "PatinoxConfiguration", "PatinoxMemory",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "MemtopSourceTests",
            dependencies: [
                "MemtopSource", "MemtopTestSupport", "PatinoxMemory",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MemtopWorkloadTests",
            dependencies: ["MemtopWorkload", "MemtopTestSupport", "MemtopTOML", "PatinoxMemory"]
        ),
        .testTarget(
            name: "MemtopTests",
            dependencies: [
                "memtop", "MemtopSource", "MemtopTestSupport", "MemtopUI", "MemtopWorkload", "PatinoxMemory",
            ]
        ),
        .testTarget(
            name: "PatinoxConfigurationTests",
            dependencies: [
                "PatinoxConfiguration", "MemtopTestSupport",
                "PatinoxMemory",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .testTarget(
            name: "PoolIntegrationTests",
            dependencies: [
                "PatinoxMemory", "MemtopTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The pool against a real PostgreSQL (started by .ci/run; POSTGRES_PORT says where).
        .testTarget(
            name: "PatinoxPostgresTests",
            dependencies: [
                "PatinoxPostgres", "PatinoxMemory", "MemtopTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The pool's state machine explored exhaustively within bounds: a model checker (issue #15 §5).
        .testTarget(name: "PoolModelCheckTests", dependencies: ["PatinoxMemory", "MemtopTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
