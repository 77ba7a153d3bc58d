import PropertyBased
import Testing

@testable import PatinoxMemory

@Suite("SlotIndex")
struct SlotIndexTests {
    @Test("random inserts and removals agree with a dictionary, through growth and colliding hashes")
    func matchesDictionary() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...99_999).array(of: 1...400)) { codes in
            var index = SlotIndex()
            var model: [Int: Int32] = [:]  // key → slot
            var nextSlot: Int32 = 0
            // Few distinct hash values, so probe runs are long and removals shift them.
            func hash(_ key: Int) -> Int { (key % 7) << 8 }
            for code in codes {
                let key = code % 50
                if let slot = model[key], code % 3 == 0 {
                    index.remove(hash: hash(key), slot: slot)
                    model[key] = nil
                } else if model[key] == nil {
                    index.insert(hash: hash(key), slot: nextSlot)
                    model[key] = nextSlot
                    nextSlot += 1
                }
                #expect(index.count == model.count)
            }
            let slotKeys = Dictionary(uniqueKeysWithValues: model.map { ($1, $0) })
            for key in 0..<50 {
                let found = index.find(hash: hash(key)) { slotKeys[$0] == key }
                #expect(found == model[key], "key \(key)")
            }
        }
    }
}
