import MemtopSource
import PatinoxMemory
import Testing

@testable import MemtopUI

@Suite("Column formats: what the screen shows for any number a snapshot may carry")
struct FormatTests {
    @Test("ordinary values keep their short forms")
    func ordinary() {
        #expect(Format.count(999) == "999" && Format.count(12_345) == "12.3k" && Format.count(4_500_000) == "4.5M")
        #expect(Format.rate(1_234.4) == "1234" && Format.percent(0.781) == "78.1%")
        #expect(Format.nanoseconds(850) == "850ns" && Format.nanoseconds(3_400_000) == "3.4ms")
        #expect(Format.clock(.seconds(83)) == "00:01:23" && Format.clock(.seconds(93_784)) == "1d 02:03:04")
    }

    @Test("extremes print instead of trapping (abs(Int.min), Int(∞), Int(NaN))")
    func extremes() {
        #expect(Format.count(Int.min).hasSuffix("G") && Format.count(-12_345) == "-12.3k")
        #expect(Format.rate(.infinity) == "∞" && Format.rate(-.infinity) == "-∞" && Format.rate(.nan) == "NaN")
        #expect(Format.rate(1e300) == "∞")
        #expect(
            Format.clock(.seconds(clamping: .nan)) == "00:00:00" && Format.clock(.seconds(-5)) == "00:00:00"
                && Format.clock(.seconds(clamping: 1e300)).contains("d ")
        )
        #expect(Format.nanoseconds(-1e300).hasSuffix("ns") && Format.percent(.infinity) == "∞%")
    }

    @Test("event ages read as time ago, never as negative numbers; huge and broken ages do not trap")
    func ages() {
        #expect(Format.age(seconds: 0) == "now" && Format.age(seconds: 0.04) == "now")
        #expect(Format.age(seconds: 4.04) == "4.0s ago" && Format.age(seconds: 59.9) == "59.9s ago")
        #expect(Format.age(seconds: 125) == "2m05s ago" && Format.age(seconds: 11_220) == "3h07m ago")
        #expect(Format.age(seconds: -3) == "now" && Format.age(seconds: .nan) == "now")
        #expect(Format.age(seconds: .infinity) == "long ago" && Format.age(seconds: 1e300).hasSuffix("m ago"))
    }

    @Test("an acquire served at once reads <1µs, not 0ns; before any acquire, a dash")
    func waits() {
        #expect(Format.wait(.zero, samples: 10) == "<1µs" && Format.wait(.nanoseconds(999), samples: 1) == "<1µs")
        #expect(
            Format.wait(.microseconds(12), samples: 1) == "12µs" && Format.wait(.milliseconds(4), samples: 3) == "4.0ms"
        )
        #expect(Format.wait(.zero, samples: 0) == "—")
    }
}
