import Foundation

/// An sRGB colour.
public struct RGB: Sendable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }

    public static let white = RGB(255, 255, 255)
    public static let ink = RGB(34, 34, 34)
    public static let grid = RGB(226, 226, 226)
    public static let axis = RGB(120, 120, 120)
    public static let value = RGB(31, 119, 180)
    public static let score = RGB(106, 61, 154)
    public static let threshold = RGB(127, 127, 127)
    public static let alert = RGB(214, 39, 40)
    public static let change = RGB(255, 127, 14)
    public static let thresholdAlert = RGB(227, 119, 194)
    public static let window = RGB(255, 236, 209)
    public static let band = RGB(214, 230, 242)
}

/// A point on the canvas, in pixels from the top left.
public struct CanvasPoint: Sendable, Hashable {
    public var x: Double, y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// One drawing instruction; the SVG writer and the rasteriser both draw exactly these.
public enum Shape: Sendable, Hashable {
    case polyline([CanvasPoint], color: RGB, width: Double, dashed: Bool)
    case circle(CanvasPoint, radius: Double, color: RGB)
    /// A filled rectangle (top-left corner, size).
    case rect(CanvasPoint, width: Double, height: Double, color: RGB)
    /// The region between two lines over the same x positions, left to right, filled.
    case area(upper: [CanvasPoint], lower: [CanvasPoint], color: RGB)
    /// Text of `size` (pixel height of a capital), anchored at its start, middle or end.
    case text(String, at: CanvasPoint, size: Double, anchor: TextAnchor, color: RGB)

    public enum TextAnchor: String, Sendable, Hashable {
        case start, middle, end
    }
}

/// The chart of one metric laid out on a canvas: a title, the value panel on top (the expected
/// band shaded behind the values), the score
/// panel (0–1) below with the alert threshold dashed, markers for alerts (red), changes (orange)
/// and threshold alerts (pink), and a time axis. Both renderers draw this, so the SVG and the
/// PNG always show the same picture.
public struct PlotScene: Sendable, Hashable {
    public let width = 800.0
    public let height = 440.0
    public private(set) var shapes: [Shape] = []

    static let left = 70.0, right = 780.0
    static let valueTop = 44.0, valueBottom = 244.0
    static let scoreTop = 276.0, scoreBottom = 380.0

    /// Where a time falls across the chart, in the scene's units: the mapping the scene draws
    /// with, for readers that point at the chart (the dashboard's hover readout). Nil without data.
    public static func horizontal(for data: PlotData) -> ((Date) -> Double)? {
        let times = (data.values.map(\.time) + data.scores.map(\.time))
        guard let first = times.min(), let last = times.max() else { return nil }
        let span = max(last.timeIntervalSince(first), 1)
        return { t in left + (right - left) * t.timeIntervalSince(first) / span }
    }

    /// The top of the value panel and the bottom of the score panel: what a crosshair spans.
    public static let plotTop = valueTop, plotBottom = scoreBottom

    public init(data: PlotData) {
        let times = (data.values.map(\.time) + data.scores.map(\.time)).sorted()
        shapes.append(
            .text(
                Self.clip("\(data.metric) (\(data.batch))", to: 60), at: CanvasPoint(Self.left, 24), size: 14,
                anchor: .start, color: .ink))
        guard let first = times.first, let last = times.last else {
            shapes.append(.text("no data in the plotted window", at: CanvasPoint(400, 200), size: 10, anchor: .middle, color: .axis))
            return
        }
        let horizontal = Self.horizontal(for: data)!
        func x(_ t: Date) -> Double { horizontal(t) }

        // Labelled windows, shaded behind both panels.
        for window in data.windows where window.upperBound >= first && window.lowerBound <= last {
            let x0 = x(max(window.lowerBound, first))
            let x1 = x(min(window.upperBound, last))
            shapes.append(.rect(CanvasPoint(x0, Self.valueTop), width: max(x1 - x0, 1), height: Self.scoreBottom - Self.valueTop, color: .window))
        }

        // Value panel.
        let values = data.values.map { Self.drawable($0.value) }
        let (low, high) = Self.range(values, band: data.band)
        let valueTicks = AxisTicks.values(low: low, high: high)
        let vLow = min(low, valueTicks.first ?? low)
        let vHigh = max(high, valueTicks.last ?? high)
        func yValue(_ v: Double) -> Double {
            Self.valueBottom - (Self.valueBottom - Self.valueTop) * (Self.drawable(v) - vLow) / max(vHigh - vLow, 1e-12)
        }
        // The band goes under the grid and the values, clamped to the panel.
        func yBand(_ v: Double) -> Double { min(max(yValue(v), Self.valueTop), Self.valueBottom) }
        shapes += Self.areas(data, x: x, y: yBand)
        for tick in valueTicks {
            let y = yValue(tick)
            shapes.append(.polyline([CanvasPoint(Self.left, y), CanvasPoint(Self.right, y)], color: .grid, width: 1, dashed: false))
            shapes.append(
                .text(
                    AxisTicks.label(tick, step: AxisTicks.step(valueTicks)), at: CanvasPoint(Self.left - 6, y + 4),
                    size: 8, anchor: .end, color: .axis))
        }
        let label = data.band.isEmpty ? "value" : "value (shaded: expected range)"
        shapes.append(.text(label, at: CanvasPoint(Self.left, Self.valueTop - 6), size: 8, anchor: .start, color: .axis))
        shapes += Self.lines(data.values.map { CanvasPoint(x($0.time), yValue($0.value)) }, color: .value, width: 1.6)
        let valueAt = Dictionary(data.values.map { ($0.time, $0.value) }, uniquingKeysWith: { a, _ in a })
        for t in data.thresholdAlerts {
            if let v = valueAt[t] { shapes.append(.circle(CanvasPoint(x(t), yValue(v)), radius: 8, color: .thresholdAlert)) }
        }
        for t in data.changes { if let v = valueAt[t] { shapes.append(.circle(CanvasPoint(x(t), yValue(v)), radius: 6, color: .change)) } }
        for t in data.alerts { if let v = valueAt[t] { shapes.append(.circle(CanvasPoint(x(t), yValue(v)), radius: 3.5, color: .alert)) } }

        // Score panel.
        func yScore(_ s: Double) -> Double { Self.scoreBottom - (Self.scoreBottom - Self.scoreTop) * min(max(s, 0), 1) }
        for tick in [0.0, 0.5, 1.0] {
            let y = yScore(tick)
            shapes.append(.polyline([CanvasPoint(Self.left, y), CanvasPoint(Self.right, y)], color: .grid, width: 1, dashed: false))
            shapes.append(.text(Fixed.format(tick, 1), at: CanvasPoint(Self.left - 6, y + 4), size: 8, anchor: .end, color: .axis))
        }
        shapes.append(.text("score", at: CanvasPoint(Self.left, Self.scoreTop - 6), size: 8, anchor: .start, color: .axis))
        let yThreshold = yScore(data.threshold)
        shapes.append(
            .polyline(
                [CanvasPoint(Self.left, yThreshold), CanvasPoint(Self.right, yThreshold)], color: .threshold,
                width: 1.2, dashed: true))
        shapes += Self.lines(data.scores.map { CanvasPoint(x($0.time), yScore($0.value)) }, color: .score, width: 1.4)
        let scoreAt = Dictionary(data.scores.map { ($0.time, $0.value) }, uniquingKeysWith: { a, _ in a })
        for t in data.alerts { if let s = scoreAt[t] { shapes.append(.circle(CanvasPoint(x(t), yScore(s)), radius: 3.5, color: .alert)) } }

        // Time axis.
        let timeTicks = AxisTicks.times(from: first, through: last)
        for tick in timeTicks.times {
            let tx = x(tick)
            shapes.append(
                .polyline([CanvasPoint(tx, Self.scoreBottom), CanvasPoint(tx, Self.scoreBottom + 5)], color: .axis, width: 1, dashed: false))
            shapes.append(.text(timeTicks.label(tick), at: CanvasPoint(tx, Self.scoreBottom + 20), size: 8, anchor: .middle, color: .axis))
        }
        shapes.append(
            .polyline(
                [CanvasPoint(Self.left, Self.scoreBottom), CanvasPoint(Self.right, Self.scoreBottom)], color: .axis,
                width: 1, dashed: false))
        shapes.append(.text("UTC", at: CanvasPoint(Self.right, Self.scoreBottom + 40), size: 8, anchor: .end, color: .axis))
    }

    /// The polyline of a series, broken into runs where two points are more than 10 median gaps apart,
    /// so a hole in the data shows as a hole.
    static func lines(_ points: [CanvasPoint], color: RGB, width: Double) -> [Shape] {
        guard points.count > 1 else {
            return points.map { .circle($0, radius: width, color: color) }
        }
        let limit = breakLimit(points.map(\.x))
        var runs: [[CanvasPoint]] = [[points[0]]]
        for (a, b) in zip(points, points.dropFirst()) {
            if b.x - a.x > limit { runs.append([b]) } else { runs[runs.count - 1].append(b) }
        }
        return runs.map { $0.count == 1 ? .circle($0[0], radius: width, color: color) : .polyline($0, color: color, width: width, dashed: false) }
    }

    /// How far apart (in pixels) two neighbouring points may be and still be joined: 10 median gaps.
    static func breakLimit(_ xs: [Double]) -> Double {
        let gaps = zip(xs, xs.dropFirst()).map { $1 - $0 }.sorted()
        return gaps.isEmpty ? 1 : max(gaps[gaps.count / 2] * 10, 1)
    }

    /// The band as filled areas, one per run of values that each have one, broken where a value
    /// has none or where the line breaks (`lines`), so a hole in the data shows in the band too.
    static func areas(_ data: PlotData, x: (Date) -> Double, y: (Double) -> Double) -> [Shape] {
        guard !data.band.isEmpty else { return [] }
        let bandAt = Dictionary(data.band.map { ($0.time, $0) }, uniquingKeysWith: { a, _ in a })
        let xs = data.values.map { x($0.time) }
        let limit = breakLimit(xs)
        var runs: [[PlotData.Band]] = [[]]
        var lastX = -Double.infinity
        for (point, px) in zip(data.values, xs) {
            guard let band = bandAt[point.time] else {
                runs.append([])
                continue
            }
            if px - lastX > limit { runs.append([]) }
            runs[runs.count - 1].append(band)
            lastX = px
        }
        return runs.filter { $0.count > 1 }.map { run in
            .area(
                upper: run.map { CanvasPoint(x($0.time), y(Self.drawable($0.high))) },
                lower: run.map { CanvasPoint(x($0.time), y(Self.drawable($0.low))) }, color: .band)
        }
    }

    /// A value as the chart draws it: within ±`RepresentableValues.valueLimit` (NaN at 0), so
    /// that ranges and positions stay finite even for a value stored before ingest refused it.
    static func drawable(_ value: Double) -> Double {
        value.isNaN ? 0 : min(max(value, -RepresentableValues.valueLimit), RepresentableValues.valueLimit)
    }

    /// The value axis' range: the values', widened to take in the band, but by at most half the
    /// values' own span each way, so a wide band does not flatten the line it surrounds.
    static func range(_ values: [Double], band: [PlotData.Band] = []) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return (0, 1) }
        if low == high { (low, high) = (low - 1, high + 1) }
        let reach = (high - low) / 2
        let bandLow = band.map { Self.drawable($0.low) }.min() ?? low
        let bandHigh = band.map { Self.drawable($0.high) }.max() ?? high
        return (max(min(low, bandLow), low - reach), min(max(high, bandHigh), high + reach))
    }

    static func clip(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
