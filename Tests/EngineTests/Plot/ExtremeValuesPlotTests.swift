import Foundation
import Testing

@testable import Engine

/// A chart of values at the edge of what a double holds (stored before ingest refused them, or
/// from a scenario) draws instead of trapping (robustness finding D1).
@Suite struct ExtremeValuesPlotTests {
    func data(_ values: [Double]) -> PlotData {
        let points = values.enumerated().map { PlotData.Point(Date(timeIntervalSince1970: 1_768_478_400 + Double($0.offset) * 3600), $0.element) }
        return PlotData(
            batch: "b", metric: "m", values: points, scores: points.map { PlotData.Point($0.time, 0.5) },
            alerts: [points[1].time], changes: [points[2].time], thresholdAlerts: [], threshold: 0.8)
    }

    @Test(arguments: [[1e308, -1e308, 0, 1e308], [1.7e308, 1, .nan, 2], [-1.7e308, -1.7e308, -1.7e308, 5], [1e100, -1e100, 1, 2]])
    func theChartDraws(_ values: [Double]) {
        let scene = PlotScene(data: data(values))
        let image = Rasterizer.render(scene)
        #expect(image.width == Int(scene.width))
        #expect(!SVGRenderer.render(scene).contains("nan"))
    }

    @Test func shapesWithNonFiniteOrFarCoordinatesAreSkipped() {
        var image = RGBImage(width: 10, height: 10, fill: .white)
        Rasterizer.segment(&image, CanvasPoint(.nan, 1), CanvasPoint(.infinity, 2), color: .value, width: 1)
        Rasterizer.segment(&image, CanvasPoint(-1e300, 1), CanvasPoint(1e300, 2), color: .value, width: 1)
        Rasterizer.disc(&image, CanvasPoint(1e300, -1e300), radius: 3, color: .alert)
        Rasterizer.disc(&image, CanvasPoint(5, 5), radius: .infinity, color: .alert)
        Rasterizer.text(&image, "x", at: CanvasPoint(.infinity, 0), size: 8, anchor: .start, color: .ink)
        #expect(image == RGBImage(width: 10, height: 10, fill: .white))
        Rasterizer.segment(&image, CanvasPoint(0, 5), CanvasPoint(10, 5), color: .value, width: 1)
        #expect(image != RGBImage(width: 10, height: 10, fill: .white))
    }
}
