import Foundation
import Testing

@testable import Engine

@Suite struct ResidualChannelTests {
    /// An input with holes, as a day-earlier difference has where rows are missing: every row is
    /// read from the values that are there, and a reading needs its own value and half its window.
    func input(seed: UInt64, count: Int = 400, leading: Int = 25) -> [Double?] {
        var random = Xoshiro256(seed: seed)
        return (0..<count).map { i in
            guard i >= leading else { return nil }
            return random.next() % 6 == 0 ? nil : 10 + random.nextGaussian()
        }
    }

    @Test func aReadingIsTheRobustScoreOfTheValuesPresent() throws {
        let values = input(seed: 3)
        for channel in [ResidualChannel(lag: 0, window: 30, run: 1), ResidualChannel(lag: 0, window: 12, run: 4)] {
            let readings = channel.residuals(values, rows: 0..<values.count)
            for t in values.indices {
                let end = t - channel.run
                let start = end - channel.window + 1
                let window = start >= 0 ? values[max(start, 0)...max(end, 0)].compactMap { $0 } : []
                let run = values[max(end + 1, 0)...t].compactMap { $0 }
                guard start >= 25, values[t] != nil, window.count >= channel.minimumPresent else {
                    #expect(readings[t] == nil, "row \(t): no reading without its value, before the input or with most of its window missing")
                    continue
                }
                let spread = try #require(RobustStatistics.Spread(window))
                let reading = try #require(readings[t], "row \(t)")
                let mean = run.reduce(0, +) / Double(run.count)
                #expect(abs(reading.deviation - (mean - spread.median)) <= 1e-12, "row \(t)")
                #expect(abs(reading.scale - spread.scale / Double(run.count).squareRoot()) <= 1e-12, "row \(t)")
                #expect(reading.run == run.count)
            }
        }
    }

    /// A window mostly missing gives no reading: half of it must be there.
    @Test func aWindowMostlyMissingGivesNoReading() {
        var values: [Double?] = (0..<60).map { Double($0 % 7) }
        for i in 20..<40 { values[i] = nil }
        let channel = ResidualChannel(lag: 0, window: 30, run: 1)
        let readings = channel.residuals(values, rows: 0..<values.count)
        #expect(readings[45] == nil, "only 10 of the 30 before row 45 are there")
        #expect(readings[56] != nil, "16 of the 30 before row 56 are there")
    }

    /// Where a scan begins does not change a reading: the training memo reads rows in pieces.
    @Test func readingsDoNotDependOnWhereTheScanBegins() {
        let values = input(seed: 9)
        let channel = ResidualChannel(lag: 0, window: 30, run: 3)
        let whole = channel.residuals(values, rows: 0..<values.count)
        for first in [0, 57, 120, 301] {
            let part = channel.residuals(values, rows: first..<values.count)
            #expect(Array(whole[first...]) == part, "from row \(first)")
        }
    }
}
