import PatinoxMemory
import Testing

@testable import MemtopFeed

/// The servers a client tries (issue #16): a pure list, so its order and bounds are tested without a cluster.
@Suite("NATS server list: several URLs, what a cluster announces, lame duck")
struct NATSServerListTests {
    struct Counting: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return state
        }
    }

    func address(_ text: String) -> NATSServerAddress? { NATSServerAddress(announced: text) }

    @Test("comma-separated URLs are the servers; the first URL with a user gives the login; a bad one is named")
    func severalURLs() throws {
        let options = try NATSOptions(url: "nats://a:4222, nats://viewer:pw@b:4223,nats://c")
        #expect(options.servers.map(\.description) == ["a:4222", "b:4223", "c:4222"])
        #expect(options.user == "viewer" && options.password == "pw")
        #expect(options.url == "nats://a:4222,nats://b:4223,nats://c:4222", "no credentials in what is shown")
        do {
            _ = try NATSOptions(url: "nats://a:4222,http://b:80")
            Issue.record("an http URL was taken")
        } catch {
            #expect(error.message.contains("'http://b:80' is not a NATS URL"), "\(error)")
        }
        #expect(throws: PatinoxError.self) { try NATSOptions(url: "nats://a:4222,") }
        #expect(throws: PatinoxError.self) { try NATSOptions(url: "nats://a:99999") }
    }

    @Test("each attempt takes the next server round the list, every server once per round")
    func roundRobin() {
        var random = Counting()
        let given = ["a:1", "b:2", "c:3"].compactMap(address)
        var list = NATSServerList(given, random: &random)
        let round = (0..<3).map { _ in list.next() }
        #expect(Set(round) == Set(given))
        #expect((0..<3).map { _ in list.next() } == round, "the same order the next round")
        var single = NATSServerList([given[0], given[0]], random: &random)
        #expect(single.servers == [given[0]] && single.next() == given[0] && single.next() == given[0])
    }

    @Test("announced servers are learned once, at most 64, and hostile entries are dropped")
    func learning() {
        var random = Counting()
        var list = NATSServerList([address("a:1")!], random: &random)
        #expect(list.learn(["a:1", "b:2", "[::1]:4222", "b:2"]) == 2)
        #expect(list.servers.map(\.description) == ["a:1", "b:2", "[::1]:4222"])
        let hostile = [
            "", ":", "b", "b:0", "b:65536", "b:-1", "b:9223372036854775808", "b c:1", "b\r\n:1", "[::1]4222",
            String(repeating: "x", count: 300) + ":1", "h:1:2:3:x",
        ]
        #expect(list.learn(hostile) == 0, "\(list.servers)")
        #expect(
            list.learn((0..<1_000).map { "10.0.\($0 / 256).\($0 % 256):4222" }) == NATSServerList.maximumLearned - 2
        )
        #expect(list.servers.count == 1 + NATSServerList.maximumLearned)
    }

    @Test("a server in lame-duck mode is skipped while another is known, and tried again when it is alone")
    func lameDuck() {
        var random = Counting()
        let (a, b) = (address("a:1")!, address("b:2")!)
        var list = NATSServerList([a, b], random: &random)
        let first = list.next()
        list.markLeaving(first)
        #expect(list.next() != first && list.next() != first, "the leaving server is skipped")
        list.markHealthy(first)
        #expect(Set([list.next(), list.next()]) == [a, b])
        var alone = NATSServerList([a], random: &random)
        alone.markLeaving(a)
        #expect(alone.next() == a, "the only server is still tried")
    }
}
