import Foundation

/// One outlier detector: what a batch calls it, the parameters it takes, how it is fitted and how
/// it scores, and its object in the model file.
///
/// A detector is one file: its struct and its conformance. Adding one means writing that file and
/// listing its type in ``DetectorRegistry``; validation, training, scoring and the model file
/// follow from the conformance.
public protocol Detector: Sendable, Hashable, Decodable, ModelFileObject {
    /// The key of its object in the model file (`"knn"`), also how a file names its detector.
    static var fileKey: String { get }
    /// The `model_name`s a batch's `model_configs` selects it with (`["ECOD", "COPOD"]`).
    static var modelNames: [String] { get }
    /// The `model_params` it accepts and what each must hold.
    static var parameters: [String: ConfigSchema.Kind] { get }
    /// What is wrong with `params` beyond their kinds (ranges, enumerations), one message each.
    static func problems(in params: [String: ConfigValue]) -> [String]
    /// Fits on `x`; the second value is the training rows' raw scores, which the min-max and tail
    /// calibrations are fitted on (empty for a detector that calibrates itself).
    static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (Self, [Double])

    /// Raw outlier scores, larger is more anomalous (PyOD's `decision_function`).
    func decisionFunction(_ x: FeatureMatrix) -> [Double]
    /// Its own probabilities in [0, 1], or nil when the model's min-max (or tail) calibration of the
    /// raw scores applies.
    func calibratedProbability(_ x: FeatureMatrix) -> [Double]?
    /// How many rows before the first scored one it needs to see (0: it scores rows alone).
    var contextRows: Int { get }
    /// Probabilities of every row of `x` read in order, each with the rows before it as context, for
    /// a detector with `contextRows` above 0; `alertThreshold` is what it holds an incident's later
    /// points under.
    func contextualProbability(_ x: FeatureMatrix, alertThreshold: Double) -> [Double]?
    /// Each row's expected band, read in order as `contextualProbability` reads them: the values
    /// of column 0 with which the row would have scored under `alertThreshold`. Nil for a detector
    /// that has no such band (one whose score is not monotone in the value around it).
    func expectedBand(_ x: FeatureMatrix, alertThreshold: Double) -> [ClosedRange<Double>?]?
}

extension Detector {
    public static func problems(in params: [String: ConfigValue]) -> [String] { [] }
    public func calibratedProbability(_ x: FeatureMatrix) -> [Double]? { nil }
    public var contextRows: Int { 0 }
    public func contextualProbability(_ x: FeatureMatrix, alertThreshold: Double) -> [Double]? { nil }
    public func expectedBand(_ x: FeatureMatrix, alertThreshold: Double) -> [ClosedRange<Double>?]? { nil }

    /// The detector as a hashable value, so a model holding `any Detector` compares and hashes.
    var hashableValue: AnyHashable { AnyHashable(self) }
}

/// What fitting may use beside the training rows: the entry's name and parameters, the memo of
/// earlier fits of the same metric (for detectors that can extend a fit instead of redoing it) and
/// a seed for detectors that draw at random.
public struct DetectorFitContext: Sendable {
    public var modelName: String
    public var params: [String: ConfigValue]
    public var memo: DetectorMemo?
    /// The key the memo files this metric's fits under (its model store key).
    public var memoKey: String
    public var seed: UInt64

    public init(modelName: String, params: [String: ConfigValue], memo: DetectorMemo? = nil, memoKey: String = "", seed: UInt64 = 0) {
        self.modelName = modelName
        self.params = params
        self.memo = memo
        self.memoKey = memoKey
        self.seed = seed
    }
}
