import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct PlotRenderingTests {
    static func sample() -> PlotData {
        let start = referenceTime.addingTimeInterval(-47 * 3600)
        let values = (0..<48).map { i in PlotData.Point(start.addingTimeInterval(Double(i) * 3600), 10 + sin(Double(i) / 4) + (i == 40 ? 8 : 0)) }
        let scores = values.dropFirst(8).map { PlotData.Point($0.time, $0.value > 15 ? 0.97 : 0.2) }
        return PlotData(
            batch: "shop", metric: "checkout_errors", values: values, scores: Array(scores),
            alerts: [values[40].time], changes: [values[41].time], thresholdAlerts: [values[40].time], threshold: 0.8)
    }

    @Test func theSVGIsTheSameBytesEveryTimeAndShowsEveryPart() {
        let scene = PlotScene(data: Self.sample())
        let svg = SVGRenderer.render(scene)
        #expect(svg == SVGRenderer.render(PlotScene(data: Self.sample())))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"440\""))
        #expect(svg.contains(">checkout_errors (shop)</text>"))
        #expect(svg.contains("stroke=\"\(RGB.value.hex)\""), "the value line")
        #expect(svg.contains("stroke=\"\(RGB.score.hex)\""), "the score line")
        #expect(svg.contains("stroke=\"\(RGB.threshold.hex)\" stroke-width=\"1.20\" stroke-dasharray=\"6 4\""), "the dashed threshold")
        #expect(svg.components(separatedBy: "fill=\"\(RGB.alert.hex)\"").count - 1 == 2, "an alert on the value and on the score")
        #expect(svg.contains("fill=\"\(RGB.change.hex)\""))
        #expect(svg.contains("fill=\"\(RGB.thresholdAlert.hex)\""))
        #expect(svg.contains(">01-14 00:00</text>"), "time ticks with readable labels")
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func thePNGDecodesToThePixelsTheRasteriserDrew() throws {
        let image = Rasterizer.render(PlotScene(data: Self.sample()))
        let png = PNGEncoder.encode(image)
        #expect(png == PNGEncoder.encode(Rasterizer.render(PlotScene(data: Self.sample()))), "same input, same bytes")
        let decoded = try PNGDecoder.decode(png)
        #expect(decoded.width == 800 && decoded.height == 440)
        #expect(decoded.pixels == image.pixels)
        #expect(png.count < 60_000, "\(png.count) bytes")
        let colours = Set((0..<(image.width * image.height)).map { image.pixel(x: $0 % image.width, y: $0 / image.width) })
        #expect(colours.contains(.alert) && colours.contains(.value) && colours.contains(.white))
    }

    /// The expected band is shaded behind the values in both renderers, broken where a value has
    /// none, and widens the value axis by at most half the values' span each way.
    @Test func theExpectedBandIsShadedBehindTheValues() throws {
        var data = Self.sample()
        data.band = data.values.enumerated().filter { $0.offset >= 8 && $0.offset != 20 }.map { PlotData.Band($0.element.time, ($0.element.value - 1)...($0.element.value + 1)) }
        let scene = PlotScene(data: data)
        let svg = SVGRenderer.render(scene)
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 2, "two runs: the band breaks at the value without one")
        #expect(svg.contains("fill=\"\(RGB.band.hex)\""))
        #expect(svg.contains(">value (shaded: expected range)</text>"))
        #expect(svg.range(of: "<polygon")!.lowerBound < svg.range(of: "stroke=\"\(RGB.value.hex)\"")!.lowerBound, "under the value line")
        let image = Rasterizer.render(scene)
        let colours = Set((0..<(image.width * image.height)).map { image.pixel(x: $0 % image.width, y: $0 / image.width) })
        #expect(colours.contains(.band))
        var wide = Self.sample()
        wide.band = wide.values.map { PlotData.Band($0.time, -1e6...1e6) }
        let values = wide.values.map(\.value)
        let (low, high) = (values.min()!, values.max()!)
        let widened = PlotScene.range(values, band: wide.band)
        #expect(widened == (low - (high - low) / 2, high + (high - low) / 2), "\(widened) for values \(low)…\(high)")
        #expect(PlotScene.range(values, band: data.band) == (low - 1, high + 1), "a band of ±1 widens by 1")
    }

    @Test func anEmptyMetricStillDraws() throws {
        let data = PlotData(batch: "b", metric: "m", values: [], scores: [], alerts: [], changes: [], thresholdAlerts: [], threshold: 0.8)
        #expect(SVGRenderer.render(PlotScene(data: data)).contains("no data in the plotted window"))
        #expect(try PNGDecoder.decode(PNGEncoder.encode(Rasterizer.render(PlotScene(data: data)))).width == 800)
    }

    @Test func ticksAreRound() {
        #expect(AxisTicks.values(low: 0.13, high: 0.91) == [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0])
        #expect(AxisTicks.label(1500, step: 500) == "1500")
        #expect(AxisTicks.label(25_000, step: 5_000) == "25k")
        #expect(AxisTicks.label(0.25, step: 0.05) == "0.25")
        let ticks = AxisTicks.times(from: MetricTimestamp.parse("2026-01-15 00:10:00")!, through: MetricTimestamp.parse("2026-01-15 05:00:00")!)
        #expect(
            ticks.times.map(MetricTimestamp.format) == [
                "2026-01-15 01:00:00", "2026-01-15 02:00:00", "2026-01-15 03:00:00",
                "2026-01-15 04:00:00", "2026-01-15 05:00:00",
            ])
        #expect(ticks.label(ticks.times[0]) == "01:00")
    }

    /// Under the defaults (NOVELTY) the plot job draws each metric's expected band from its
    /// trained model and writes it with the data; a batch whose preprocessing transforms the
    /// values, or that combines detectors, draws none and says why.
    @Test func thePlotJobDrawsTheExpectedBandOfTheDefaultDetector() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\n")
        let rows = SyntheticSeries(start: referenceTime.addingTimeInterval(-299 * 3600)).rows(batch: "test", name: "m", count: 300, seed: 3)
        try h.store().insert(rows)
        _ = try await TrainJob().run(batch: b, context: h.context)
        _ = try await PlotJob().run(batch: b, context: h.context)
        let parsed = try #require(try JSONSerialization.jsonObject(with: h.plots.files["test/m.json"]!) as? [String: Any])
        let band = try #require(parsed["band"] as? [[Any]])
        let values = Dictionary(uniqueKeysWithValues: try #require(parsed["values"] as? [[Any]]).map { ($0[0] as! String, $0[1] as! Double) })
        #expect(band.count > 100, "most plotted values have a band: \(band.count) of \(values.count)")
        let inside = band.filter { row in (row[1] as! Double) <= values[row[0] as! String]! && values[row[0] as! String]! <= (row[2] as! Double) }
        #expect(inside.count >= band.count * 95 / 100, "a clean series lies inside its band: \(inside.count) of \(band.count)")
        #expect(String(decoding: h.plots.files["test/m.svg"]!, as: UTF8.self).contains("<polygon"))
        #expect(ExpectedBand.unavailable(for: b) == nil)
        #expect(ExpectedBand.unavailable(for: try batch("metric_batch: test\ningest_sql: select 1\n" + anomstackProfile)) != nil)
        let differenced = try batch("metric_batch: test\ningest_sql: select 1\npreprocess_params:\n  diff_n: 1\n")
        #expect(ExpectedBand.unavailable(for: differenced)?.contains("diff_n") == true)
    }

    @Test func thePlotJobWritesAnSVGAndAPNGPerMetric() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\n")
        try h.store().insert(hourly((0..<30).map(Double.init)) + hourly([1, 2], name: "odd/name") + hourly([3, 4], name: "odd_name"))
        #expect(try await PlotJob().run(batch: b, context: h.context).rowsWritten == 3)
        #expect(
            h.plots.files.keys.sorted() == [
                "test/m.json", "test/m.png", "test/m.svg", "test/odd_name-5a80d5.json", "test/odd_name-5a80d5.png",
                "test/odd_name-5a80d5.svg", "test/odd_name.json", "test/odd_name.png", "test/odd_name.svg",
            ], "odd/name and odd_name do not share a file")
        #expect(try PNGDecoder.decode(h.plots.files["test/m.png"]!).height == 440)
        // The data drawn, beside the chart: one point per line, at the written precision.
        let json = String(decoding: h.plots.files["test/odd_name.json"]!, as: UTF8.self)
        #expect(json.contains("\"metric\": \"odd_name\""))
        #expect(json.contains("\"values\": [\n    [\"2026-01-15 11:00:00\",3.0000],\n    [\"2026-01-15 12:00:00\",4.0000]\n  ]"), "\(json)")
        let parsed = try JSONSerialization.jsonObject(with: h.plots.files["test/m.json"]!) as? [String: Any]
        #expect((parsed?["values"] as? [Any])?.count == 30 && (parsed?["threshold"] as? Double) == 0.8)
    }
}
