import Foundation

/// A detector's object in the model file, written by hand for `TrainedModel.encoded`, keys
/// sorted: models are written at every training, and long arrays go out as base64 or plain
/// numbers without `JSONEncoder`'s character-by-character escaping. Each detector reads back
/// through its `Decodable` conformance, with the same keys (a test round-trips every detector).
public protocol ModelFileObject {
    func modelFileJSON() throws -> String
}
