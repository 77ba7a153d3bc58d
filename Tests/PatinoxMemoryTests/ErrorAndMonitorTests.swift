import CoreMetrics
import MemtopTestSupport
import MetricsTestKit
import Testing

@testable import PatinoxMemory

@Suite("PatinoxError")
struct PatinoxErrorTests {
    @Test("the description says what, where, what to do, and the causes")
    func description() {
        struct SocketError: Error, CustomStringConvertible { var description: String { "ECONNREFUSED" } }
        let cause = PatinoxError.connectionFailed(pool: "db", attempt: 3, cause: SocketError())
        let error = PatinoxError.acquireTimeout(
            pool: "db",
            waited: .seconds(2),
            leased: 10,
            maximum: 10,
            waiters: 37,
            lastCreateFailure: cause
        )
        let text = error.description
        #expect(text.hasPrefix("pool 'db' · acquire · acquire-timeout: no connection became free within 2.0 s"))
        #expect(text.contains("10 of 10 leased, 37 still waiting"))
        #expect(text.contains("What to do: retry after 100 ms."))
        #expect(text.contains("Caused by: pool 'db' · create · connection-failed"))
        #expect(text.contains("Caused by: ECONNREFUSED"))
        #expect(error.causeChain.count == 2)
        #expect(String(describing: error.rootCause) == "ECONNREFUSED")
    }

    @Test("recovery strategies give advice and say whether to retry")
    func recovery() {
        #expect(RecoveryStrategy.retry(after: .milliseconds(5)).isRetryable)
        #expect(RecoveryStrategy.backOff(initial: .milliseconds(100), maximum: .seconds(10)).advice.contains("10.0 s"))
        #expect(!RecoveryStrategy.failFast.isRetryable)
        #expect(!RecoveryStrategy.escalate(hint: "page someone").isRetryable)
        #expect(RecoveryStrategy.reconfigure(hint: "lower it.").advice == "lower it.")
    }

    @Test("errors about input carry the file and line; within(operation:) keeps the cause")
    func locationAndWithin() {
        let error = PatinoxError(
            code: .invalidInput,
            context: ErrorContext(
                component: .configuration,
                name: "pools.yaml",
                operation: "load",
                location: SourceLocation(file: "pools.yaml", line: 12)
            ),
            message: "maximum must be a number",
            recovery: .reconfigure(hint: "write a whole number.")
        )
        #expect(error.description.contains("at pools.yaml:12"))
        let wrapped = error.within(operation: "reload")
        #expect(wrapped.context.operation == "reload")
        #expect(wrapped.underlying as? PatinoxError == error)
    }

    @Test("durations read well")
    func humanDurations() {
        #expect(Duration.nanoseconds(850).humanReadable == "850 ns")
        #expect(Duration.microseconds(12).humanReadable == "12 µs")
        #expect(Duration.milliseconds(12).humanReadable == "12 ms")
        #expect(Duration.milliseconds(2500).humanReadable == "2.5 s")
    }
}

@Suite("MetricsMonitor")
struct MetricsMonitorTests {
    @Test("events become counters and timers, samples become gauges and counter deltas")
    func bridgesToSwiftMetrics() throws {
        let metrics = TestMetrics()
        let monitor = MetricsMonitor(factory: metrics)
        let pool = ComponentID(kind: .pool, name: "db")
        monitor.record(MonitorEvent(source: pool, operation: "create", duration: .milliseconds(3)))
        monitor.record(MonitorEvent(source: pool, operation: "create", outcome: .failure(.connectionFailed)))
        let dimensions = [("kind", "pool"), ("name", "db"), ("operation", "create")]
        let successes = try metrics.expectCounter("patinox_operations_total", dimensions + [("outcome", "success")])
        #expect(successes.totalValue == 1)
        let failures = try metrics.expectCounter(
            "patinox_operations_total",
            dimensions + [("outcome", "connection-failed")]
        )
        #expect(failures.totalValue == 1)
        let timer = try metrics.expectTimer("patinox_operation_duration", dimensions)
        #expect(timer.lastValue == 3_000_000)

        monitor.sample(MonitorSample(source: pool, gauges: [("pool_idle", 4)], totals: [("pool_acquired", 10)]))
        monitor.sample(MonitorSample(source: pool, gauges: [("pool_idle", 2)], totals: [("pool_acquired", 25)]))
        let idle = try metrics.expectGauge("patinox_pool_idle", [("kind", "pool"), ("name", "db")])
        #expect(idle.lastValue == 2)
        let acquired = try metrics.expectCounter("patinox_pool_acquired_total", [("kind", "pool"), ("name", "db")])
        #expect(acquired.totalValue == 25)
    }

    @Test("a pool reports through MetricsMonitor end to end")
    func poolEndToEnd() async throws {
        let metrics = TestMetrics()
        var configuration = PoolConfiguration()
        configuration.housekeepingInterval = .milliseconds(10)
        let pool = try Pool(
            name: "db",
            configuration: configuration,
            factory: TestFactory(),
            monitor: MetricsMonitor(factory: metrics)
        ).running()
        _ = try await pool.withConnection { $0 }
        let created = try metrics.expectCounter(
            "patinox_operations_total",
            [("kind", "pool"), ("name", "db"), ("operation", "create"), ("outcome", "success")]
        )
        #expect(created.totalValue == 1)
        #expect(
            await eventually {
                (try? metrics.expectGauge("patinox_pool_idle", [("kind", "pool"), ("name", "db")])) != nil
            }
        )
        await pool.shutdown()
    }
}

@Suite("Number formats: exact for ordinary values, no trap for any")
struct FormattingTests {
    @Test("decimals round half away from zero, keep the sign, and pad the fraction")
    func decimals() {
        #expect(1.25.decimalText(places: 1) == "1.3" && 0.04.decimalText(places: 1) == "0.0")
        #expect((-0.5).decimalText(places: 1) == "-0.5" && (-0.04).decimalText(places: 1) == "0.0")
        #expect(3.14159.decimalText(places: 3) == "3.142" && 2.0.decimalText(places: 2) == "2.00")
        #expect(0.12345.percentText == "12.35%" && 1.0.percentText == "100.00%" && 0.5.percentText == "50.00%")
        #expect(42.7.decimalText(places: 0) == "43")
    }

    @Test("infinite, NaN and huge values print, not trap")
    func extremes() {
        #expect(Double.infinity.decimalText(places: 1) == "∞" && (-Double.infinity).decimalText(places: 1) == "-∞")
        #expect(Double.nan.decimalText(places: 2) == "NaN" && Double.nan.percentText == "NaN%")
        #expect(1e300.decimalText(places: 1) == "∞" && (-1e300).decimalText(places: 1) == "-∞")
        #expect(Double(Int64.max).percentText == "∞%")
        #expect(Duration.seconds(-1e12).humanReadable.hasSuffix("ns"))
        #expect(
            Duration.milliseconds(850).humanReadable == "850 ms" && Duration.microseconds(12).humanReadable == "12 µs"
        )
    }
}
