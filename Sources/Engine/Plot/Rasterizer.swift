import Foundation

/// An RGB image, row by row from the top.
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGB) {
        self.width = width
        self.height = height
        if fill.r == fill.g && fill.g == fill.b {
            pixels = [UInt8](repeating: fill.r, count: width * height * 3)
        } else {
            pixels = Array([[UInt8]](repeating: [fill.r, fill.g, fill.b], count: width * height).joined())
        }
    }

    public func pixel(x: Int, y: Int) -> RGB {
        let i = 3 * (y * width + x)
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Mixes `color` into a pixel with `coverage` in [0, 1].
    mutating func blend(x: Int, y: Int, color: RGB, coverage: Double) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        let a = min(coverage, 1)
        let i = 3 * (y * width + x)
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        pixels[i] = mix(pixels[i], color.r)
        pixels[i + 1] = mix(pixels[i + 1], color.g)
        pixels[i + 2] = mix(pixels[i + 2], color.b)
    }
}

/// Draws a plot scene into pixels: anti-aliased lines and discs (coverage from the distance to
/// the shape) and bitmap-font text. Plain arithmetic only, so the same scene gives the same pixels.
public enum Rasterizer {
    public static func render(_ scene: PlotScene) -> RGBImage {
        var image = RGBImage(width: Int(scene.width), height: Int(scene.height), fill: .white)
        for shape in scene.shapes {
            switch shape {
            case .polyline(let points, let color, let width, let dashed):
                for (a, b) in zip(points, points.dropFirst()) {
                    if dashed {
                        dashes(a, b, on: 6, off: 4) { segment(&image, $0, $1, color: color, width: width) }
                    } else {
                        segment(&image, a, b, color: color, width: width)
                    }
                }
            case .circle(let center, let radius, let color):
                disc(&image, center, radius: radius, color: color)
            case .rect(let corner, let width, let height, let color):
                guard drawable(corner, CanvasPoint(corner.x + width, corner.y + height)) else { continue }
                let x0 = max(Int(corner.x.rounded()), 0)
                let x1 = min(Int((corner.x + width).rounded()), image.width)
                let y0 = max(Int(corner.y.rounded()), 0)
                let y1 = min(Int((corner.y + height).rounded()), image.height)
                for y in y0..<max(y1, y0) { for x in x0..<max(x1, x0) { image.blend(x: x, y: y, color: color, coverage: 1) } }
            case .area(let upper, let lower, let color):
                area(&image, upper: upper, lower: lower, color: color)
            case .text(let text, let at, let size, let anchor, let color):
                self.text(&image, text, at: at, size: size, anchor: anchor, color: color)
            }
        }
        return image
    }

    /// Whether a shape's coordinates can be drawn: finite and within a million pixels of the
    /// canvas, so that converting them to pixel indices cannot trap whatever a scene holds.
    static func drawable(_ points: CanvasPoint...) -> Bool {
        points.allSatisfy { abs($0.x) < 1e6 && abs($0.y) < 1e6 }
    }

    static func segment(_ image: inout RGBImage, _ a: CanvasPoint, _ b: CanvasPoint, color: RGB, width: Double) {
        guard drawable(a, b), width.isFinite, abs(width) < 1e4 else { return }
        let half = width / 2
        let minX = Int(floor(min(a.x, b.x) - half - 1))
        let maxX = Int(ceil(max(a.x, b.x) + half + 1))
        let minY = Int(floor(min(a.y, b.y) - half - 1))
        let maxY = Int(ceil(max(a.y, b.y) + half + 1))
        let dx = b.x - a.x
        let dy = b.y - a.y
        let length2 = dx * dx + dy * dy
        for py in max(minY, 0)...min(maxY, image.height - 1) where minY <= image.height - 1 && maxY >= 0 {
            for px in max(minX, 0)...min(maxX, image.width - 1) where minX <= image.width - 1 && maxX >= 0 {
                let cx = Double(px) + 0.5
                let cy = Double(py) + 0.5
                let t = length2 > 0 ? min(max(((cx - a.x) * dx + (cy - a.y) * dy) / length2, 0), 1) : 0
                let ex = cx - (a.x + t * dx)
                let ey = cy - (a.y + t * dy)
                let distance = (ex * ex + ey * ey).squareRoot()
                image.blend(x: px, y: py, color: color, coverage: min(half + 0.5 - distance, 1))
            }
        }
    }

    /// Fills each pixel column between the two lines (linear between their points, which share
    /// x positions), the pixel centre deciding.
    static func area(_ image: inout RGBImage, upper: [CanvasPoint], lower: [CanvasPoint], color: RGB) {
        guard upper.count == lower.count, upper.count > 1, upper.allSatisfy({ drawable($0) }), lower.allSatisfy({ drawable($0) }) else {
            return
        }
        var segment = 0
        let first = max(Int(upper[0].x.rounded(.down)), 0)
        let last = min(Int(upper[upper.count - 1].x.rounded(.up)), image.width - 1)
        guard first <= last else { return }
        for px in first...last {
            let cx = Double(px) + 0.5
            guard cx >= upper[0].x, cx <= upper[upper.count - 1].x else { continue }
            while segment < upper.count - 2, upper[segment + 1].x < cx { segment += 1 }
            let a = segment, b = segment + 1
            let span = upper[b].x - upper[a].x
            let t = span > 0 ? (cx - upper[a].x) / span : 0
            let top = upper[a].y + (upper[b].y - upper[a].y) * t
            let bottom = lower[a].y + (lower[b].y - lower[a].y) * t
            let y0 = max(Int(min(top, bottom).rounded()), 0)
            let y1 = min(Int(max(top, bottom).rounded()), image.height)
            for py in y0..<max(y1, y0) { image.blend(x: px, y: py, color: color, coverage: 1) }
        }
    }

    static func dashes(_ a: CanvasPoint, _ b: CanvasPoint, on: Double, off: Double, draw: (CanvasPoint, CanvasPoint) -> Void) {
        let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        guard length > 0 else { return }
        var s = 0.0
        while s < length {
            let e = min(s + on, length)
            draw(
                CanvasPoint(a.x + (b.x - a.x) * s / length, a.y + (b.y - a.y) * s / length),
                CanvasPoint(a.x + (b.x - a.x) * e / length, a.y + (b.y - a.y) * e / length))
            s += on + off
        }
    }

    static func disc(_ image: inout RGBImage, _ center: CanvasPoint, radius: Double, color: RGB) {
        guard drawable(center), radius.isFinite, abs(radius) < 1e4 else { return }
        let minX = Int(floor(center.x - radius - 1))
        let maxX = Int(ceil(center.x + radius + 1))
        let minY = Int(floor(center.y - radius - 1))
        let maxY = Int(ceil(center.y + radius + 1))
        guard maxX >= 0, maxY >= 0, minX < image.width, minY < image.height else { return }
        for py in max(minY, 0)...min(maxY, image.height - 1) {
            for px in max(minX, 0)...min(maxX, image.width - 1) {
                let ex = Double(px) + 0.5 - center.x
                let ey = Double(py) + 0.5 - center.y
                image.blend(x: px, y: py, color: color, coverage: radius + 0.5 - (ex * ex + ey * ey).squareRoot())
            }
        }
    }

    /// Bitmap text whose capitals are about `size` pixels tall (scaled by whole pixels).
    static func text(_ image: inout RGBImage, _ text: String, at: CanvasPoint, size: Double, anchor: Shape.TextAnchor, color: RGB) {
        guard drawable(at), size.isFinite, abs(size) < 1e4 else { return }
        let scale = max(Int((size / Double(BitmapFont.height)).rounded()), 1)
        let advance = (BitmapFont.width + 1) * scale
        let total = advance * text.count - scale
        var x = Int(at.x.rounded())
        switch anchor {
        case .start: break
        case .middle: x -= total / 2
        case .end: x -= total
        }
        let top = Int(at.y.rounded()) - BitmapFont.height * scale
        for c in text {
            for (row, bits) in BitmapFont.glyph(c).enumerated() {
                for column in 0..<BitmapFont.width where bits & (1 << (BitmapFont.width - 1 - column)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            image.blend(x: x + column * scale + dx, y: top + row * scale + dy, color: color, coverage: 1)
                        }
                    }
                }
            }
            x += advance
        }
    }
}
