import Foundation

/// Writes a plot scene as SVG text: fixed two-decimal coordinates and attributes in a fixed
/// order, so the same scene always gives the same bytes.
public enum SVGRenderer {
    public static func render(_ scene: PlotScene) -> String {
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(scene.width))" height="\(Int(scene.height))" \
            viewBox="0 0 \(Int(scene.width)) \(Int(scene.height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">

            """
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        for shape in scene.shapes {
            switch shape {
            case .polyline(let points, let color, let width, let dashed):
                let path = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\(q(n(width)))"
                out += (dashed ? " stroke-dasharray=\"6 4\"" : "") + " stroke-linejoin=\"round\"/>\n"
            case .rect(let corner, let width, let height, let color):
                out += "<rect x=\(q(n(corner.x))) y=\(q(n(corner.y))) width=\(q(n(width))) height=\(q(n(height))) fill=\"\(color.hex)\"/>\n"
            case .area(let upper, let lower, let color):
                let path = (upper + lower.reversed()).map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                out += "<polygon points=\"\(path)\" fill=\"\(color.hex)\"/>\n"
            case .circle(let center, let radius, let color):
                out += "<circle cx=\(q(n(center.x))) cy=\(q(n(center.y))) r=\(q(n(radius))) fill=\"\(color.hex)\"/>\n"
            case .text(let text, let at, let size, let anchor, let color):
                // `size` is a capital's height; a font's em is about 1.4 of it.
                out += "<text x=\(q(n(at.x))) y=\(q(n(at.y))) font-size=\(q(n(size * 1.4))) text-anchor=\"\(anchor.rawValue)\" "
                out += "fill=\"\(color.hex)\">\(NotificationComposer.escapeHTML(text))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    static func n(_ value: Double) -> String { Fixed.format(value, 2) }
    static func q(_ text: String) -> String { "\"\(text)\"" }
}
