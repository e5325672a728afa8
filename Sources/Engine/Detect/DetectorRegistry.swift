/// Every detector the engine has. A new detector is one file and one line here.
public enum DetectorRegistry {
    /// In the order `engine validate` lists them.
    public static let all: [any Detector.Type] = [
        PCADetector.self, KNNDetector.self, IsolationForestDetector.self, LOFDetector.self, EmpiricalCDFDetector.self,
        HBOSDetector.self, MADDetector.self, LikelihoodDetector.self, NoveltyDetector.self, ContextDetector.self,
    ]

    /// The detector a `model_name` selects.
    public static func detector(named modelName: String) -> (any Detector.Type)? {
        byModelName[modelName]
    }

    /// Every `model_name` a batch may use, sorted.
    public static var modelNames: [String] { byModelName.keys.sorted() }

    private static let byModelName: [String: any Detector.Type] = {
        var names: [String: any Detector.Type] = [:]
        for type in all {
            for name in type.modelNames {
                precondition(names[name] == nil, "two detectors answer to model_name '\(name)'")
                names[name] = type
            }
        }
        return names
    }()
}
