import Engine
import Foundation

/// NAB results as text for the terminal and as canonical JSON.
public enum NABReport {
    public static func text(_ results: [NABScorer.Result], perFile: Bool) -> String {
        var lines: [String] = []
        for r in results {
            lines.append(
                "\(r.profile): \(Fixed.format(r.normalizedScore, 2)) (threshold \(Fixed.format(r.threshold, 4)), raw \(Fixed.format(r.rawScore, 3)), "
                    + "windows detected \(r.windowsDetected) of \(r.windows), missed \(r.windows - r.windowsDetected), "
                    + "false positive rows \(r.files.reduce(0) { $0 + $1.falsePositives }))")
            if perFile {
                for f in r.files {
                    lines.append(
                        "  \(f.path): \(Fixed.format(f.score, 3)), windows \(f.windowsDetected)/\(f.windows), false positive rows \(f.falsePositives)"
                    )
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func json(_ results: [NABScorer.Result]) -> CanonicalJSON {
        .object(
            Dictionary(
                uniqueKeysWithValues: results.map { r in
                    (
                        r.profile,
                        CanonicalJSON.object([
                            "score": .number(r.normalizedScore, decimals: 4), "threshold": .number(r.threshold, decimals: 6),
                            "raw_score": .number(r.rawScore, decimals: 4), "windows": .int(r.windows), "windows_detected": .int(r.windowsDetected),
                            "files": .array(
                                r.files.map { f in
                                    .object([
                                        "path": .string(f.path), "score": .number(f.score, decimals: 4), "windows": .int(f.windows),
                                        "windows_detected": .int(f.windowsDetected), "true_positive_rows": .int(f.truePositives),
                                        "false_positive_rows": .int(f.falsePositives), "false_negative_rows": .int(f.falseNegatives),
                                    ])
                                }),
                        ])
                    )
                }))
    }
}
