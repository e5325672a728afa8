import Testing

@testable import Replay

@Suite struct SeriesNotationTests {
    func expand(_ text: String) -> [Double?]? {
        if case .success(let values) = SeriesNotation.expand(text) { return values }
        return nil
    }

    @Test func expandsPromtoolNotation() {
        #expect(expand("10+2x3") == [10, 12, 14, 16])
        #expect(expand("5x2") == [5, 5, 5])
        #expect(expand("1 _ 3") == [1, nil, 3])
        #expect(expand("_x2 7") == [nil, nil, 7])
        #expect(expand("-1-1x2") == [-1, -2, -3])
        #expect(expand("1e2+1e1x1") == [100, 110])
    }

    @Test(arguments: ["abc", "1+x3", "5xq", "_x0"])
    func rejectsWhatItCannotRead(_ text: String) {
        #expect(expand(text) == nil)
    }
}
