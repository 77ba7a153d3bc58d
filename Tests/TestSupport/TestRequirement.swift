import Foundation
import Testing

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`; bash .ci/run sets `CI=true`).
/// There, tests that need an outside program run and fail when it is missing: never skipped silently.
public var isContinuousIntegration: Bool {
    guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
    return !["", "0", "false"].contains(value)
}

/// Something outside the package that a test needs: a program (nats-server, tmux) or a Python module
/// (nats-py). Outside CI a test that needs a missing one is skipped with the reason (`.requires(.tmux)`);
/// under CI it runs, and ``require()`` fails it at once saying what is missing and how to install it.
public struct TestRequirement: Sendable {
    /// What is needed, as the user knows it ("nats-server").
    public let name: String
    /// How to get it ("apt-get install nats-server").
    public let installation: String
    /// Whether it is here.
    public let isPresent: Bool

    /// Tests that need it run when it is here, and in CI (where a missing one must fail the test).
    public var shouldRun: Bool { isPresent || isContinuousIntegration }

    /// What a run without it says about the tests it skips.
    public var skipReason: Comment { "\(name) not installed (\(installation); bash .ci/run does)" }

    /// Throws ``Missing`` unless it is here.
    public func require() throws {
        guard isPresent else { throw Missing(requirement: self) }
    }

    /// A test needed something that is not installed.
    public struct Missing: Error, CustomStringConvertible {
        public let requirement: TestRequirement
        public var description: String {
            "\(requirement.name) is not installed, and this test needs it: \(requirement.installation) "
                + "(bash .ci/run installs everything the tests need)"
        }
    }

    /// Debian's nats-server, which ``NATSServerProcess`` starts.
    public static let natsServer = TestRequirement(
        name: "nats-server",
        installation: "apt-get install nats-server",
        isPresent: NATSServerProcess.binary != nil
    )

    /// tmux, in which the end-to-end tests run memtop on a real terminal.
    public static let tmux = TestRequirement(
        name: "tmux",
        installation: "apt-get install tmux",
        isPresent: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    )

    /// nats-py, the independent NATS client of the interop test.
    public static let natsPy = TestRequirement(
        name: "nats-py",
        installation: "python3 -m pip install nats-py",
        isPresent: (try? waitForExit(spawn(["/usr/bin/env", "python3", "-c", "import nats"], quiet: true))) == 0
    )

    /// The openssl command, with which the TLS tests make their certificates.
    public static let openssl = TestRequirement(
        name: "openssl",
        installation: "apt-get install openssl",
        isPresent: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    )

    /// The nkeys package (PyPI), with which the NKEY and JWT login tests make seeds and sign JWTs.
    public static let nkeysPy = TestRequirement(
        name: "nkeys (Python)",
        installation: "python3 -m pip install nkeys",
        isPresent: (try? waitForExit(spawn(["/usr/bin/env", "python3", "-c", "import nkeys"], quiet: true))) == 0
    )
}

extension Trait where Self == ConditionTrait {
    /// Runs the test or suite only where `requirement` is met, or in CI (where its absence fails the test);
    /// otherwise it is reported as skipped, with the reason.
    public static func requires(
        _ requirement: TestRequirement,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Self {
        .enabled(if: requirement.shouldRun, requirement.skipReason, sourceLocation: sourceLocation)
    }
}
