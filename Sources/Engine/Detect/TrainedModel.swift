import Foundation

/// A trained detector as the model store keeps it. The format is JSON with sorted keys, named
/// and versioned so that other tools can read it and older files are recognised:
///
/// ```
/// { "format": "anomaly-engine-model", "version": 2,
///   "batch", "metric", "model_name", "model_tag", "trained_at" (UTC text), "training_rows",
///   "fingerprint" (hash of the training data and settings),
///   "score_min", "score_max" (the training points' raw scores, for min-max scaling),
///   "pca": {mean, scale, components, weights} | "knn": {neighbours, method, columns, training}
///   | "iforest": {trees, samples, features, bootstrap, seed (16 hex digits), columns, training_base64}
///   | "lof": {neighbours, columns, training_base64, k_distances_base64, densities_base64}
///   | "ecdf": {variant (ecod | copod), columns, training_base64}
///   | "hbos": {bins, alpha, tolerance, edges: [[...] per feature], densities: [[...] per feature]}
///   | "mad": {median, scale, z_scale} | "likelihood": {median, scale, surprise_mean, surprise_sd, decades}
///   | "novelty": {channels: [{lag, window, run, record, record_rows}], floor, learn_rows, quiet_n, margin, record_through, spacing}
///   | "context": {low, step, levels, order, quiet_n, quiet_above, seen: [codes], learnt_through},
///   "tail" (with `calibration: tail`): {threshold, scale, minimum, maximum, decades},
///   "likelihood_calibration" (with `calibration: likelihood`): {window, short_n, decades},
///   "checksum" }
/// ```
/// `checksum` (from version 2) is the SHA-256 of the file's bytes before `,"checksum"`, and comes
/// last for that reason; a file whose bytes do not match it is refused as corrupt. Version 1
/// files (no checksum) are still read.
public struct TrainedModel: Sendable, Hashable {
    public static let formatName = "anomaly-engine-model"
    public static let currentVersion = 2

    public var format: String = TrainedModel.formatName
    public var version: Int = TrainedModel.currentVersion
    public var batch: String
    public var metric: String
    public var modelName: String
    public var modelTag: String
    public var trainedAt: String
    public var trainingRows: Int
    public var fingerprint: String
    public var scoreMin: Double
    public var scoreMax: Double
    /// The fitted detector, filed in the model file under its type's `fileKey`.
    public var detector: any Detector
    /// Present when the detector's `calibration` is `tail`: probabilities from the training
    /// scores' upper tail instead of min-max.
    public var tail: TailCalibration?
    /// Present when the detector's `calibration` is `likelihood`: probabilities from how unusual
    /// the recent raw scores are against the ones before them.
    public var likelihood: LikelihoodCalibration?

    /// The detector as `type`, or nil when the model holds another.
    public func detector<D: Detector>(as type: D.Type) -> D? {
        detector as? D
    }

    /// Fits the detector `config` names on `x`. `seed` feeds a detector that draws at random
    /// (IForest): the train job derives it from the run seed, batch, metric and tag.
    public static func fit(
        _ config: ModelConfig, on x: FeatureMatrix, batch: String, metric: String,
        trainedAt: Date, fingerprint: String, memo: DetectorMemo? = nil, seed: UInt64 = 0
    ) throws -> TrainedModel {
        guard let type = DetectorRegistry.detector(named: config.name) else { throw DetectorError.unsupported(config.name) }
        let context = DetectorFitContext(
            modelName: config.name, params: config.params, memo: memo,
            memoKey: storeKey(batch: batch, metric: metric, tag: config.tag), seed: seed)
        let (detector, trainingScores) = try type.fit(x, context)
        var model = TrainedModel(
            batch: batch, metric: metric, modelName: config.name, modelTag: config.tag,
            trainedAt: MetricTimestamp.format(trainedAt), trainingRows: x.rows, fingerprint: fingerprint,
            scoreMin: trainingScores.min() ?? 0, scoreMax: trainingScores.max() ?? 0, detector: detector)
        if config.params["calibration"]?.stringValue == "tail" {
            model.tail = TailCalibration.fit(trainingScores, decades: config.params["tail_decades"]?.doubleValue ?? TailCalibration.defaultDecades)
        }
        model.likelihood = LikelihoodCalibration(config.params)
        return model
    }

    /// Raw outlier scores (PyOD's `decision_function`).
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        detector.decisionFunction(x)
    }

    /// How many rows before the first scored one `probability(_:rows:)` needs to see.
    public var contextRows: Int { detector.contextRows + (likelihood?.contextRows ?? 0) }

    /// Probabilities for `rows` of `x`, where the rows before them are the context a detector
    /// that reads a point's past (`contextRows`) needs; other detectors see the rows alone.
    /// `alertThreshold` is what a detector that holds an incident's later points under the
    /// threshold (NOVELTY) holds them under.
    public func probability(_ x: FeatureMatrix, rows: [Int], alertThreshold: Double = 0.8) -> [Double] {
        if let likelihood {
            let all = likelihood.probabilities(decisionFunction(x))
            return rows.map { all[$0] }
        }
        if let all = detector.contextualProbability(x, alertThreshold: alertThreshold) {
            return rows.map { all[$0] }
        }
        return probability(x.selecting(rows))
    }

    /// The expected band of each of `rows` in column 0's units (read as `probability(_:rows:)`
    /// reads them), or nil when the model has none: its detector draws none, or a tail or
    /// likelihood calibration, which the band does not follow, decides its scores.
    public func expectedBand(_ x: FeatureMatrix, rows: [Int], alertThreshold: Double = 0.8) -> [ClosedRange<Double>?]? {
        guard tail == nil, likelihood == nil, let all = detector.expectedBand(x, alertThreshold: alertThreshold) else { return nil }
        return rows.map { all[$0] }
    }

    /// Scores in [0, 1]: the tail calibration when fitted; else the detector's own calibration
    /// (MAD, LIKELIHOOD, NOVELTY, CONTEXT); else the raw score min-max scaled against the training scores
    /// and clipped (PyOD's `predict_proba(X)[:, 1]` with its default linear method).
    public func probability(_ x: FeatureMatrix) -> [Double] {
        if let likelihood { return likelihood.probabilities(decisionFunction(x)) }
        if let tail { return decisionFunction(x).map(tail.probability) }
        if let calibrated = detector.calibratedProbability(x) { return calibrated }
        let range = scoreMax - scoreMin
        let scale = range > 0 ? 1 / range : 1
        return decisionFunction(x).map { min(max(($0 - scoreMin) * scale, 0), 1) }
    }

    public static func == (lhs: TrainedModel, rhs: TrainedModel) -> Bool {
        lhs.header == rhs.header && lhs.tail == rhs.tail && lhs.likelihood == rhs.likelihood
            && lhs.detector.hashableValue == rhs.detector.hashableValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(detector.hashableValue)
    }

    /// Every field but the detector and its calibration, for equality.
    private var header: [String] {
        [
            format, String(version), batch, metric, modelName, modelTag, trainedAt, String(trainingRows), fingerprint,
            String(scoreMin.bitPattern), String(scoreMax.bitPattern),
        ]
    }

    /// The JSON bytes, keys sorted. Written by hand: a KNN model carries a long base64 string
    /// that `JSONEncoder` escapes character by character, and models are written on every
    /// training. `decode` reads it back with `JSONDecoder` (a test checks the round trip).
    public func encoded() throws -> Data {
        var fields: [(String, String)] = [
            ("batch", JSONText.quote(batch)), ("fingerprint", JSONText.quote(fingerprint)), ("format", JSONText.quote(format)),
            ("metric", JSONText.quote(metric)), ("model_name", JSONText.quote(modelName)), ("model_tag", JSONText.quote(modelTag)),
            ("score_max", try JSONText.number(scoreMax)), ("score_min", try JSONText.number(scoreMin)),
            ("trained_at", JSONText.quote(trainedAt)), ("training_rows", String(trainingRows)), ("version", String(version)),
        ]
        fields.append((type(of: detector).fileKey, try detector.modelFileJSON()))
        if let tail { fields.append(("tail", try tail.modelFileJSON())) }
        if let likelihood { fields.append(("likelihood_calibration", try likelihood.modelFileJSON())) }
        let body = "{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        let checksum = Hex.encode(SHA256.hash(Array(body.utf8)))
        return Data((body + Self.checksumMarker + checksum + "\"}").utf8)
    }

    static let checksumMarker = ",\"checksum\":\""

    public static func decode(_ data: Data, key: String) throws -> TrainedModel {
        let bytes = [UInt8](data)
        let marker = Array(checksumMarker.utf8)
        var checked = false
        if let start = Self.lastIndex(of: marker, in: bytes) {
            let expected = String(decoding: bytes[(start + marker.count)...].prefix(64), as: UTF8.self)
            guard Hex.encode(SHA256.hash(bytes[..<start])) == expected else {
                throw DetectorError.unreadable(key, "the checksum does not match: the file is corrupt")
            }
            checked = true
        }
        let model: TrainedModel
        do {
            model = try JSONDecoder().decode(TrainedModel.self, from: data)
        } catch {
            throw DetectorError.unreadable(key, "\(error)")
        }
        guard model.format == formatName else { throw DetectorError.unreadable(key, "format is '\(model.format)'") }
        guard model.version <= currentVersion else {
            throw DetectorError.unreadable(key, "version \(model.version) is newer than this engine reads (\(currentVersion))")
        }
        guard checked || model.version < 2 else { throw DetectorError.unreadable(key, "the checksum is missing") }
        return model
    }

    static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    /// Where a metric's detector lives in the model store: `<batch>/<metric>_<model_tag>.json`,
    /// with characters that are unsafe in file names percent-encoded.
    public static func storeKey(batch: String, metric: String, tag: String) -> String {
        "\(FileNameComponent.capped(safe(batch), identity: batch))/\(FileNameComponent.capped(safe(metric) + "_" + safe(tag), identity: metric + "|" + tag)).json"
    }

    static func safe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
            }
        }
        return out.hasPrefix(".") ? "%2E" + out.dropFirst() : out
    }
}

extension TrainedModel: Decodable {
    private struct FileKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads the header fields and the one detector object whose key a registered detector files
    /// under; the layout is the one every earlier version wrote, so older files still read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FileKey.self)
        func value<T: Decodable>(_ key: String) throws -> T { try container.decode(T.self, forKey: FileKey(key)) }
        format = try value("format")
        version = try value("version")
        batch = try value("batch")
        metric = try value("metric")
        modelName = try value("model_name")
        modelTag = try value("model_tag")
        trainedAt = try value("trained_at")
        trainingRows = try value("training_rows")
        fingerprint = try value("fingerprint")
        scoreMin = try value("score_min")
        scoreMax = try value("score_max")
        tail = try container.decodeIfPresent(TailCalibration.self, forKey: FileKey("tail"))
        likelihood = try container.decodeIfPresent(LikelihoodCalibration.self, forKey: FileKey("likelihood_calibration"))
        let present = DetectorRegistry.all.filter { container.contains(FileKey($0.fileKey)) }
        guard present.count == 1, let type = present.first else {
            throw present.isEmpty
                ? DetectorError.empty(modelTag)
                : DetectorError.unreadable(
                    "(model)", "it holds \(present.count) detectors: \(present.map { $0.fileKey }.sorted().joined(separator: ", "))")
        }
        detector = try type.init(from: container.superDecoder(forKey: FileKey(type.fileKey)))
    }
}

/// Why a detector could not be built or used.
public enum DetectorError: Error, Sendable, CustomStringConvertible {
    case unsupported(String)
    case empty(String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .unsupported(let name): return "unsupported detector '\(name)'"
        case .empty(let tag): return "model '\(tag)' holds no detector"
        case .unreadable(let key, let reason): return "model \(key) cannot be read: \(reason)"
        }
    }
}
