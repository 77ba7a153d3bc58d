import Foundation
import MemtopFeed
import MemtopTestSupport
import PatinoxConfiguration
import PatinoxMemory
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite("docs/GUIDE.md, run step by step", .serialized, .timeLimit(.minutes(2)))
struct GuideWalkthroughTests {
    @Test("pool, cache, guards, scope, mapped file, live configuration, faults: each step does what the guide says")
    func walkthrough() async throws {
        let engine = Engine(name: "shop")
        let pool = try makePool(engine: engine).running()
        #expect(try await order(7, pool: pool).contains("orders WHERE id = 7"))
        let users = try makeUserCache(engine: engine)
        _ = try await userName(1, users: users, pool: pool)
        #expect(try await userName(1, users: users, pool: pool).contains("users WHERE id = 1"))
        #expect(users.status().stats.hits == 1 && users.status().stats.loads == 1, "the second read is a hit")

        let exported = temporaryURL("guide-export.txt")
        defer { try? FileManager.default.removeItem(at: exported) }
        try await export(["a", "b"], to: exported)
        #expect(try String(contentsOf: exported, encoding: .utf8) == "a\nb\n")
        let outcomes = try await handleRequest(1, engine: engine)
        #expect(outcomes.count == 1 && outcomes.allSatisfy(\.succeeded))
        #expect(
            !FileManager.default.fileExists(
                atPath: FileManager.default.temporaryDirectory.appendingPathComponent("scratch-1").path
            )
        )

        let pricesFile = temporaryURL("guide-prices.bin")
        defer { try? FileManager.default.removeItem(at: pricesFile) }
        try [UInt64](arrayLiteral: 10, 20, 30, 40, 50).withUnsafeBytes { try Data($0).write(to: pricesFile) }
        #expect(try firstPrices(path: pricesFile.path, engine: engine) == [10, 20, 30, 40])

        let settings = temporaryURL("guide-memory.json")
        defer { try? FileManager.default.removeItem(at: settings) }
        try #"{"pools": {"db": {"maximum": 12}}}"#.write(to: settings, atomically: true, encoding: .utf8)
        let (live, tasks) = try await liveConfiguration(file: settings.path)
        defer { tasks.forEach { $0.cancel() } }
        let following = pool.follow(live)
        defer { following.cancel() }
        #expect(await eventually { pool.status().maximum == 12 }, "the file's limit applies at start")
        try await Task.sleep(for: .milliseconds(1100))  // a new modification time, whatever the file system
        try #"{"pools": {"db": {"maximum": 14}}}"#.write(to: settings, atomically: true, encoding: .utf8)
        #expect(await eventually(10) { pool.status().maximum == 14 }, "an edit to the file resizes the pool")

        try chaosDrill(engine: engine)
        let snapshot = engine.snapshot()
        #expect(Set(snapshot.faults.map(\.target)) == ["db", "users"])
        #expect(snapshot.pools.map(\.name) == ["db"] && snapshot.caches.map(\.name) == ["users"])
        await pool.shutdown(deadline: .seconds(1))
    }

    @Test("publishing: a NATS subscriber receives the engine's snapshot", .requires(.natsServer))
    func publishing() async throws {
        let server = try await NATSServerProcess()
        let engine = Engine(name: "shop")
        let pool = try makePool(engine: engine).running()
        let listener = try await NATSClient.connect(try NATSOptions(url: server.url))
        let received = SharedData(name: "received", [String]())
        listener.subscribe("memtop.v1.shop-7.snapshot") { message in
            if case .success(let snapshot) = RemoteSource.decodeSnapshot(message.payload) {
                received.update { $0 += snapshot.pools.map(\.name) }
            }
        }
        listener.subscribe("memtop.v1.summary.shop.*") { message in
            if case .success(let summary) = RemoteSource.decodeSummary(
                message.payload,
                service: "shop",
                engine: "shop-7"
            ) {
                received.update { $0 += ["summary of \(summary.engine) \(summary.labels ?? [:])"] }
            }
        }
        let publishing = try await publish(engine: engine, broker: server.url)
        #expect(await eventually { received.value.contains("db") })
        #expect(await eventually { received.value.contains("summary of shop-7 [\"version\": \"1.4.2\"]") })
        publishing.cancel()
        let (name, tour) = try await readmeTour(broker: server.url)
        #expect(name.contains("users WHERE id = 42"))
        tour.cancel()
        await listener.close()
        await pool.shutdown(deadline: .seconds(1))
        _ = server
    }

    @Test(
        "publishing over TLS with an NKEY login: the guide's example, a real server with both",
        .requires(.natsServer),
        .requires(.nkeysPy),
        .requires(.openssl)
    )
    func publishingSecurely() async throws {
        try TestRequirement.nkeysPy.require()
        try TestRequirement.openssl.require()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let interop = repositoryRoot.appendingPathComponent("Tests/MemtopFeedTests/Interop")
        let command = [
            "/bin/sh", "-c",
            "bash '\(interop.path)/make_certs.sh' '\(folder.path)' && python3 '\(interop.path)/nats_auth.py' nkey "
                + "'\(folder.path)' > /dev/null",
        ]
        let made = try await onThread { waitForExit(try spawn(command)) }  // not on a cooperative thread
        #expect(made == 0)
        let authorization = try String(contentsOfFile: "\(folder.path)/server.conf", encoding: .utf8)
        let tls = "tls { cert_file: \"\(folder.path)/server.pem\", key_file: \"\(folder.path)/server-key.pem\" }\n"
        let server = try await NATSServerProcess(config: tls + authorization)
        let engine = Engine(name: "shop")
        let pool = try makePool(engine: engine).running()
        let url = "tls://127.0.0.1:\(server.port)"
        var options = try NATSOptions(url: url)
        options.tls?.caFile = "\(folder.path)/ca.pem"
        options.nkey = try NATSCredentials.nkey(file: "\(folder.path)/user.nk")
        let listener = try await NATSClient.connect(options)
        let received = SharedData(name: "received", [String]())
        listener.subscribe("memtop.v1.shop.snapshot") { message in
            if case .success(let snapshot) = RemoteSource.decodeSnapshot(message.payload) {
                received.update { $0 += snapshot.pools.map(\.name) }
            }
        }
        let publishing = try await publishSecurely(
            engine: engine,
            brokers: url,
            caFile: "\(folder.path)/ca.pem",
            seedFile: "\(folder.path)/user.nk"
        )
        #expect(await eventually { received.value.contains("db") })
        publishing.cancel()
        await listener.close()
        await pool.shutdown(deadline: .seconds(1))
        server.stop()
    }

    @Test("the DocC essentials: shared data copies only when a reader holds the old version; errors explain")
    func essentials() async throws {
        let flags = enableCheckoutV2()
        #expect(flags.before == false && flags.after == true && flags.copies == 1)
        let log = FailureLog()
        var configuration = PoolConfiguration()
        configuration.minimumConnections = 0
        configuration.maximumConnections = 1
        configuration.acquireTimeout = .milliseconds(50)
        let pool = try Pool(
            name: "tiny",
            configuration: configuration,
            factory: DatabaseFactory(url: "x"),
            monitor: log
        ).running()
        let lease = try await pool.acquire()
        do {
            _ = try await pool.acquire()
            Issue.record("a second acquire from a pool of one succeeded")
        } catch {
            #expect(explain(error).hasPrefix("pool 'tiny' is exhausted — "), "\(explain(error))")
        }
        pool.release(lease)
        #expect(log.lines.value.contains { $0.contains("failed (acquire-timeout)") }, "\(log.lines.value)")
        await pool.shutdown(deadline: .seconds(1))
    }
}

@Suite("Every Swift block of the guide and the DocC catalog is compiled code")
struct GuideDocumentTests {
    /// The ```swift blocks of a Markdown text, each as its lines.
    static func swiftBlocks(_ text: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if current != nil, trimmed == "```" {
                blocks.append(current!)
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    static func normalized(_ lines: [String]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Where the guide's blocks are compiled: this target, and the example service (its own package, built and
    /// run by CI's Examples/PostgresService/check.py), which the "A real service" chapter quotes.
    static let compiledFolders = ["Tests/GuideTests", "Examples/PostgresService/Sources/PostgresService"]

    static let compiled = normalized(
        compiledFolders.flatMap { folder in
            (try? FileManager.default.contentsOfDirectory(
                atPath: repositoryRoot.appendingPathComponent(folder).path
            ))
            .map { names in
                names.filter { $0.hasSuffix(".swift") }.sorted().flatMap { name in
                    let url = repositoryRoot.appendingPathComponent("\(folder)/\(name)")
                    return ((try? String(contentsOf: url, encoding: .utf8)) ?? "").components(separatedBy: "\n")
                }
            } ?? []
        }
    )

    static func documents() -> [String] {
        let catalog = "Sources/PatinoxMemory/PatinoxMemory.docc"
        let articles =
            (try? FileManager.default.contentsOfDirectory(
                atPath: repositoryRoot.appendingPathComponent(catalog).path
            ))?.filter { $0.hasSuffix(".md") }.map { "\(catalog)/\($0)" } ?? []
        return ["README.md", "docs/GUIDE.md"] + articles.sorted()
    }

    @Test("every article of the DocC catalog is among the documents checked")
    func catalogListed() throws {
        let catalog = "Sources/PatinoxMemory/PatinoxMemory.docc"
        let articles = try FileManager.default.contentsOfDirectory(
            atPath: repositoryRoot.appendingPathComponent(catalog).path
        ).filter { $0.hasSuffix(".md") }
        #expect(articles.count >= 3, "the catalog's articles were found: \(articles)")
        #expect(Set(articles.map { "\(catalog)/\($0)" }).isSubset(of: Set(Self.documents())))
    }

    @Test(
        "each block appears verbatim in Tests/GuideTests or the example service (a `// Package.swift` block is exempt)",
        arguments: documents()
    )
    func blocksAreCompiled(_ document: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(document), encoding: .utf8)
        let blocks = Self.swiftBlocks(text)
        if document.hasSuffix("GUIDE.md") || document.hasSuffix("GettingStarted.md") {
            #expect(blocks.count >= 10, "\(document) lost its examples")
        }
        for block in blocks where block.first?.hasPrefix("// Package.swift") != true {
            let lines = Self.normalized(block)
            let found = Self.compiled.indices.contains { start in
                start + lines.count <= Self.compiled.count
                    && Array(Self.compiled[start..<(start + lines.count)]) == lines
            }
            let folders = Self.compiledFolders.joined(separator: " or ")
            #expect(found, "\(document): this block is not in \(folders):\n\(block.joined(separator: "\n"))")
        }
    }
}
