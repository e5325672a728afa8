import CZlib
import Engine
import Foundation

/// A PNG reader for the tests (8-bit truecolour, filters None/Sub/Up/Average/Paeth): it checks
/// the signature and every chunk's CRC, inflates the data with zlib and undoes the filters, so a
/// test can say the engine's PNG opens and holds the pixels it drew.
struct PNGDecoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ data: Data) throws -> RGBImage {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure(description: "not a PNG signature")
        }
        var offset = 8
        var width = 0
        var height = 0
        var compressed: [UInt8] = []
        var sawEnd = false
        func word(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while offset + 12 <= bytes.count {
            let length = word(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = word(offset + 8 + length)
            let computed = Array(bytes[(offset + 4)..<(offset + 8 + length)]).withUnsafeBufferPointer {
                Int(crc32(0, $0.baseAddress, uInt($0.count)))
            }
            guard crc == computed else { throw Failure(description: "bad CRC in \(type)") }
            switch type {
            case "IHDR":
                width = word(offset + 8)
                height = word(offset + 12)
                guard body[8] == 8, body[9] == 2 else { throw Failure(description: "not 8-bit RGB") }
            case "IDAT": compressed += body
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        guard sawEnd, width > 0, height > 0 else { throw Failure(description: "no IEND or no header") }
        let stride = width * 3
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var size = uLongf(raw.count)
        let status = uncompress(&raw, &size, compressed, uLong(compressed.count))
        guard status == Z_OK, Int(size) == raw.count else { throw Failure(description: "zlib said \(status)") }
        var image = RGBImage(width: width, height: height, fill: .white)
        var previous = [UInt8](repeating: 0, count: stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
            for i in 0..<stride {
                let a = i >= 3 ? Int(row[i - 3]) : 0
                let b = Int(previous[i])
                let c = i >= 3 ? Int(previous[i - 3]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure(description: "unknown filter \(filter)")
                }
                row[i] = row[i] &+ UInt8(predictor & 0xff)
            }
            image.pixels.replaceSubrange((y * stride)..<((y + 1) * stride), with: row)
            previous = row
        }
        return image
    }
}
