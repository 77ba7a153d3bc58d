import Foundation
import PatinoxMemory
import Testing

@Suite("StreamingJSONEncoder")
struct StreamingJSONEncoderTests {
    struct Primitives: Codable, Equatable {
        var string = "tab\there \"quoted\" back\\slash\nnew line \u{01} é 🚀"
        var int = Int.min
        var int8 = Int8.min
        var int16 = Int16.max
        var int32 = Int32.min
        var int64 = Int64.max
        var uint = UInt.max
        var uint8 = UInt8.max
        var uint16 = UInt16.max
        var uint32 = UInt32.max
        var uint64 = UInt64.max
        var double = -1.5e-7
        var whole = 42.0
        var float: Float = 0.1
        var yes = true
        var no = false
        var absent: Int? = nil
        var present: String? = "x"
        var nested: [[Int]] = [[], [1, 2], [3]]
        var map: [String: [Double]] = ["a": [1.25], "b c": []]
        var empty = Empty()
    }

    struct Empty: Codable, Equatable {}

    /// Uses nested containers and a super encoder, which synthesised conformances never do.
    struct Manual: Codable, Equatable {
        var id: Int
        var tags: [String]
        var point: (x: Int, y: Int)

        enum Keys: String, CodingKey { case id, tags, point, base }
        enum PointKeys: String, CodingKey { case x, y }

        init(id: Int, tags: [String], point: (Int, Int)) {
            self.id = id
            self.tags = tags
            self.point = point
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var point = container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
            try point.encode(self.point.x, forKey: .x)
            try point.encode(self.point.y, forKey: .y)
            var tags = container.nestedUnkeyedContainer(forKey: .tags)
            for tag in self.tags {
                var pair = tags.nestedUnkeyedContainer()
                try pair.encode(tag)
                try pair.encodeNil()
            }
            try container.encode(id, forKey: .id)
            var base = container.superEncoder(forKey: .base).singleValueContainer()
            try base.encode("super")
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let point = try container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
            self.point = (try point.decode(Int.self, forKey: .x), try point.decode(Int.self, forKey: .y))
            var tags = try container.nestedUnkeyedContainer(forKey: .tags)
            var decoded: [String] = []
            while !tags.isAtEnd {
                var pair = try tags.nestedUnkeyedContainer()
                decoded.append(try pair.decode(String.self))
                _ = try pair.decodeNil()
            }
            self.tags = decoded
            id = try container.decode(Int.self, forKey: .id)
            #expect(try container.decode(String.self, forKey: .base) == "super")
        }

        static func == (lhs: Manual, rhs: Manual) -> Bool {
            lhs.id == rhs.id && lhs.tags == rhs.tags && lhs.point == rhs.point
        }
    }

    @Test("every primitive, escape, optional, nested array and dictionary decodes back to the same value")
    func primitivesRoundTrip() throws {
        let value = Primitives()
        let bytes = try StreamingJSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Primitives.self, from: Data(bytes)) == value)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""string":"tab\there \"quoted\" back\\slash\nnew line \u0001 é 🚀""#))
        #expect(text.contains(#""whole":42,"#) && !text.contains("absent") && text.contains(#""empty":{}"#))
    }

    @Test("nested keyed and unkeyed containers and super encoders close in the right places")
    func manualContainers() throws {
        let value = Manual(id: 7, tags: ["a", "b"], point: (3, -4))
        let bytes = try StreamingJSONEncoder().encode(value)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"point":{"x":3,"y":-4},"tags":[["a",null],["b",null]],"id":7,"base":"super"}"#
        )
        #expect(try JSONDecoder().decode(Manual.self, from: Data(bytes)) == value)
        #expect(String(decoding: try StreamingJSONEncoder().encode([value, value]), as: UTF8.self).hasSuffix("}]"))
    }

    @Test("top-level scalars, and non-finite numbers are refused")
    func scalarsAndErrors() throws {
        #expect(try StreamingJSONEncoder().encode("hi") == Array(#""hi""#.utf8))
        #expect(try StreamingJSONEncoder().encode([Int?.none, 1]) == Array("[null,1]".utf8))
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(Double.infinity) }
    }
}
