// swift-tools-version: 6.1
// Benchmarks for memtop's PatinoxMemory, with PostgresNIO's pool side by side.
// Run from this folder: `swift package benchmark` (see docs/BENCHMARKS.md).
import Foundation
import PackageDescription

// The root package is a path dependency; SwiftPM names it after its folder, which differs between clones.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

/// A package-benchmark suite in Benchmarks/<name>, depending on PatinoxMemory (and `extra`).
func benchmarkTarget(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "PatinoxMemory", package: rootPackage),
            .product(name: "Benchmark", package: "benchmark"),
        ] + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "memtop-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "CacheWorkload",
            dependencies: [
                .product(name: "PatinoxMemory", package: rootPackage),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/CacheWorkload"
        ),
        // Pool<PostgresConnectionFactory> beside postgres-nio's PostgresClient on a real server (postgres/compare.py).
        .executableTarget(
            name: "PostgresCompare",
            dependencies: [
                .product(name: "PatinoxMemory", package: rootPackage),
                .product(name: "PatinoxPostgres", package: rootPackage),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PostgresCompare"
        ),
        benchmarkTarget("ResourceBenchmarks"),
        benchmarkTarget(
            "UIBenchmarks",
            extra: [
                .product(name: "MemtopUI", package: rootPackage), .product(name: "MemtopFeed", package: rootPackage),
            ]
        ),
        benchmarkTarget("CacheBenchmarks"),
        benchmarkTarget(
            "PoolBenchmarks",
            extra: [
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "_ConnectionPoolTestUtils", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ]
)
