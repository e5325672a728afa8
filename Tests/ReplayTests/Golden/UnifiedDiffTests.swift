import Testing

@testable import Replay

@Suite struct UnifiedDiffTests {
    @Test func changesAreLaidOutInHunksWithThreeLinesOfContext() {
        let old = (1...20).map { "line \($0)" }
        var new = old
        new[4] = "line 5 changed"
        new.remove(at: 16)
        let diff = UnifiedDiff.text(old: old, new: new, oldName: "golden/a.csv", newName: "a.csv (this replay)")
        #expect(
            diff == """
                --- golden/a.csv
                +++ a.csv (this replay)
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line 5 changed
                 line 6
                 line 7
                 line 8
                @@ -14,7 +14,6 @@
                 line 14
                 line 15
                 line 16
                -line 17
                 line 18
                 line 19
                 line 20
                """)
        #expect(UnifiedDiff.text(old: old, new: old, oldName: "a", newName: "b").isEmpty)
    }

    @Test func aLongDiffIsCutAndCounted() {
        let old = (1...100).map { "a\($0)" }
        let new = (1...100).map { "b\($0)" }
        let diff = UnifiedDiff.text(old: old, new: new, oldName: "a", newName: "b", maxLines: 50)
        #expect(diff.hasPrefix("--- a\n+++ b\n") && diff.hasSuffix("… 201 more lines of diff"))
    }
}
