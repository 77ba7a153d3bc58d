import MemtopSource
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
}
