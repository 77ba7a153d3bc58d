import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("SharedData and ChunkedArray")
struct SharedDataTests {
    @Test("updates change in place when nobody holds the version, and copy when a snapshot does")
    func copyOnWrite() {
        let shared = SharedData(name: "settings", [1, 2, 3])
        #expect(shared.update { $0.append(4) } == 2)
        #expect(shared.status().copiesAvoided == 1 && shared.status().copiesMade == 0)
        let held = shared.snapshot()
        shared.update { $0[0] = 100 }
        #expect(held.value == [1, 2, 3, 4] && held.version == 2, "a held snapshot never changes")
        #expect(shared.value == [100, 2, 3, 4])
        let status = shared.status()
        #expect(status.copiesMade == 1 && status.version == 3)
    }

    @Test("subscribers see every version in order")
    func changes() async {
        let shared = SharedData(name: "counter", 0)
        let stream = shared.changes()
        let reader = Task { () -> [UInt64] in
            var versions: [UInt64] = []
            for await snapshot in stream {
                #expect(snapshot.value == Int(snapshot.version) - 1)
                versions.append(snapshot.version)
                if versions.count == 5 { break }
            }
            return versions
        }
        #expect(await eventually { shared.status().subscribers == 1 })
        for _ in 0..<5 { shared.update { $0 += 1 } }
        #expect(await reader.value == [2, 3, 4, 5, 6])
    }

    @Test("concurrent readers never see a half-done update")
    func atomicSwap() async {
        struct Pair: Sendable { var a = 0, b = 0 }
        let shared = SharedData(name: "pair", Pair())
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for _ in 0..<20_000 {
                    shared.update {
                        $0.a += 1; $0.b += 1
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<20_000 {
                        let pair = shared.value
                        #expect(pair.a == pair.b)
                        let snapshot = shared.snapshot()
                        #expect(snapshot.value.a == snapshot.value.b)
                    }
                }
            }
        }
        #expect(shared.value.a == 20_000)
    }

    @Test("a one-element update of a shared million-element ChunkedArray copies one chunk")
    func structuralSharing() {
        let shared = SharedData(name: "big", ChunkedArray(0..<1_000_000, chunkSize: 4096))
        let before = shared.snapshot()
        shared.update { $0[123_456] = -1 }
        let after = shared.value
        #expect(after[123_456] == -1 && before.value[123_456] == 123_456)
        #expect(after.chunkCount == 245)
        #expect(after.sharedChunks(with: before.value) == after.chunkCount - 1, "only the touched chunk was copied")
        var plain = Array(0..<1_000_000)
        let plainBefore = plain
        plain[123_456] = -1
        plain.withUnsafeBufferPointer { a in
            plainBefore.withUnsafeBufferPointer { b in
                // SAFETY: addresses compared only.
                #expect(a.baseAddress != b.baseAddress, "a plain Array copies all 1,000,000 elements")
            }
        }
    }
}
