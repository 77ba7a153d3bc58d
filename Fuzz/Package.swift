// swift-tools-version: 6.1
import Foundation
import PackageDescription

// memtop's fuzz targets, one executable per decoder (Fuzz/run.sh builds them with -sanitize=fuzzer,address and
// runs each under libFuzzer). A package of its own so that only its build is instrumented; it uses the
// repository's package by path, whose identity is the name of the repository's folder.
let repository = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

func memtop(_ product: String) -> Target.Dependency { .product(name: product, package: repository) }

let package = Package(
    name: "memtop-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, declared for Swift.
        .target(name: "CLibFuzzer"),
        // runFuzzer(_:): a main that hands every input to a closure.
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        // The viewer's whole path (reducer, every screen) for a list of snapshots.
        .target(
            name: "FuzzViewer",
            dependencies: [memtop("MemtopUI"), memtop("MemtopSource"), memtop("PatinoxMemory")]
        ),
        // The scenario parser's two files (symbolic links into Sources/MemtopWorkload/Scenario): the package
        // exports no MemtopWorkload product. Its TOML reader, MemtopTOML, comes with MemtopUI.
        .target(name: "FuzzWorkload", dependencies: [memtop("MemtopUI"), memtop("PatinoxMemory")]),
        .executableTarget(name: "fuzz-nats", dependencies: ["FuzzDriver", memtop("MemtopFeed")]),
        .executableTarget(
            name: "fuzz-snapshot",
            dependencies: [
                "FuzzDriver", "FuzzViewer", memtop("MemtopFeed"), memtop("MemtopSource"), memtop("PatinoxMemory"),
            ]
        ),
        .executableTarget(
            name: "fuzz-summary",
            dependencies: [
                "FuzzDriver", "FuzzViewer", memtop("MemtopFeed"), memtop("MemtopSource"), memtop("PatinoxMemory"),
            ]
        ),
        .executableTarget(
            name: "fuzz-recording",
            dependencies: ["FuzzDriver", "FuzzViewer", memtop("MemtopSource"), memtop("PatinoxMemory")]
        ),
        .executableTarget(
            name: "fuzz-control",
            dependencies: ["FuzzDriver", memtop("MemtopFeed"), memtop("MemtopSource"), memtop("PatinoxMemory")]
        ),
        .executableTarget(name: "fuzz-credentials", dependencies: ["FuzzDriver", memtop("MemtopFeed")]),
        .executableTarget(name: "fuzz-trace", dependencies: ["FuzzDriver", memtop("PatinoxMemory")]),
        .executableTarget(
            name: "fuzz-toml",
            dependencies: [
                "FuzzDriver", "FuzzWorkload", memtop("MemtopUI"), memtop("MemtopSource"), memtop("PatinoxMemory"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
