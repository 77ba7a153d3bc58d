// swift-tools-version: 6.1
// A Hummingbird service on PostgreSQL through PatinoxMemory's pool, published to NATS for memtop to watch.
// A package of its own, depending on the memtop repository by path: `swift run` here, or `bash run.sh`.
import Foundation
import PackageDescription

// The root package is a path dependency; SwiftPM names it after its folder, which differs between clones.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "memtop-postgres-service",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "PostgresService",
            dependencies: [
                .product(name: "PatinoxMemory", package: rootPackage),
                .product(name: "PatinoxPostgres", package: rootPackage),
                .product(name: "MemtopFeed", package: rootPackage),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
