import Foundation

/// A detector's object in the model file, written by hand for `TrainedModel.encoded`, keys
/// sorted: models are written at every training, and long arrays go out as base64 or plain
/// numbers without `JSONEncoder`'s character-by-character escaping. Each detector reads back
/// through its `Decodable` conformance, with the same keys (a test round-trips every detector).
protocol ModelFileObject {
    func modelFileJSON() throws -> String
}

extension KNNDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"method\":\(JSONText.quote(method.rawValue)),\"neighbours\":\(neighbours),"
            + "\"training_base64\":\"\(trainingBase64)\"}"
    }
}

extension IsolationForestDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"bootstrap\":\(bootstrap),\"columns\":\(columns),\"features\":\(features),\"samples\":\(samples),"
            + "\"seed\":\"\(seedText)\",\"training_base64\":\"\(trainingBase64)\",\"trees\":\(trees)}"
    }
}

extension HBOSDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        let edges = "[" + (try self.edges.map(JSONText.numbers)).joined(separator: ",") + "]"
        let densities = "[" + (try self.densities.map(JSONText.numbers)).joined(separator: ",") + "]"
        return "{\"alpha\":\(try JSONText.number(alpha)),\"bins\":\(bins),\"densities\":\(densities),\"edges\":\(edges),"
            + "\"tolerance\":\(try JSONText.number(tolerance))}"
    }
}

extension EmpiricalCDFDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"training_base64\":\"\(PackedDoubles.encode(training))\",\"variant\":\(JSONText.quote(variant.rawValue))}"
    }
}

extension LOFDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"columns\":\(columns),\"densities_base64\":\"\(PackedDoubles.encode(densities))\","
            + "\"k_distances_base64\":\"\(PackedDoubles.encode(kDistances))\",\"neighbours\":\(neighbours),"
            + "\"training_base64\":\"\(PackedDoubles.encode(training))\"}"
    }
}

extension MADDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"median\":\(try JSONText.number(median)),\"scale\":\(try JSONText.number(scale)),\"z_scale\":\(try JSONText.number(zScale))}"
    }
}

extension TailCalibration: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"decades\":\(try JSONText.number(decades)),\"maximum\":\(try JSONText.number(maximum)),"
            + "\"minimum\":\(try JSONText.number(minimum)),\"scale\":\(try JSONText.number(scale)),"
            + "\"threshold\":\(try JSONText.number(threshold))}"
    }
}

extension LikelihoodDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        "{\"decades\":\(try JSONText.number(decades)),\"median\":\(try JSONText.number(median)),"
            + "\"scale\":\(try JSONText.number(scale)),\"surprise_mean\":\(try JSONText.number(surpriseMean)),"
            + "\"surprise_sd\":\(try JSONText.number(surpriseSD))}"
    }
}

extension NoveltyDetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        let channels = try self.channels.map {
            "{\"lag\":\($0.lag),\"record\":\(try JSONText.number($0.record)),\"record_rows\":\($0.recordRows),"
                + "\"run\":\($0.run),\"window\":\($0.window)}"
        }
        return "{\"channels\":[\(channels.joined(separator: ","))],\"floor\":\(try JSONText.number(floor)),"
            + "\"learn_rows\":\(learnRows.map(String.init) ?? "null"),"
            + "\"margin\":\(try JSONText.number(margin)),\"quiet_n\":\(quietN),"
            + "\"record_through\":\(recordThrough.map(JSONText.quote) ?? "null"),"
            + "\"spacing\":\(try spacing.map(JSONText.number) ?? "null")}"
    }
}

extension PCADetector: ModelFileObject {
    func modelFileJSON() throws -> String {
        let components = "[" + (try self.components.map(JSONText.numbers)).joined(separator: ",") + "]"
        return "{\"components\":\(components),\"mean\":\(try JSONText.numbers(mean)),"
            + "\"scale\":\(try JSONText.numbers(scale)),\"weights\":\(try JSONText.numbers(weights))}"
    }
}
