import CZlib
import Foundation

/// Encodes an RGB image as PNG (8-bit truecolour, no interlace) with zlib at its highest level.
/// Each row uses the filter that PNG's own heuristic picks (least sum of absolute differences),
/// and zlib is deterministic, so the same image always gives the same bytes.
public enum PNGEncoder {
    public static func encode(_ image: RGBImage) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        header.append(contentsOf: [8, 2, 0, 0, 0])
        chunk("IHDR", header, into: &png)
        chunk("IDAT", compress(filtered(image)), into: &png)
        chunk("IEND", Data(), into: &png)
        return png
    }

    /// The scanlines, each with its filter byte: None or Sub or Up, whichever is smallest.
    static func filtered(_ image: RGBImage) -> [UInt8] {
        let stride = image.width * 3
        var out: [UInt8] = []
        out.reserveCapacity((stride + 1) * image.height)
        var candidate = [UInt8](repeating: 0, count: stride)
        for y in 0..<image.height {
            let row = Array(image.pixels[(y * stride)..<((y + 1) * stride)])
            var best: (filter: UInt8, bytes: [UInt8], cost: Int) = (0, row, row.reduce(0) { $0 + Int(Int8(bitPattern: $1).magnitude) })
            for filter: UInt8 in [1, 2] {
                for i in 0..<stride {
                    let left = i >= 3 ? row[i - 3] : 0
                    let up = y > 0 ? image.pixels[(y - 1) * stride + i] : 0
                    candidate[i] = row[i] &- (filter == 1 ? left : up)
                }
                let cost = candidate.reduce(0) { $0 + Int(Int8(bitPattern: $1).magnitude) }
                if cost < best.cost { best = (filter, candidate, cost) }
            }
            out.append(best.filter)
            out.append(contentsOf: best.bytes)
        }
        return out
    }

    static func compress(_ bytes: [UInt8]) -> Data {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = bytes.withUnsafeBufferPointer { input in
            compress2(&out, &size, input.baseAddress, uLong(bytes.count), Z_BEST_COMPRESSION)
        }
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")
        return Data(out.prefix(Int(size)))
    }

    static func chunk(_ type: String, _ body: Data, into png: inout Data) {
        png.appendBigEndian(UInt32(body.count))
        var typed = Data(type.utf8)
        typed.append(body)
        png.append(typed)
        png.appendBigEndian(UInt32(crc(typed)))
    }

    static func crc(_ data: Data) -> UInt {
        data.withUnsafeBytes { raw in
            UInt(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(data.count)))
        }
    }
}

extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
