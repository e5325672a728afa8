/// One of NAB's application profiles: the weights of a true positive, a false positive and a
/// false negative (NAB's `config/profiles.json`).
public struct NABProfile: Sendable, Hashable {
    public var name: String
    public var tpWeight: Double
    public var fpWeight: Double
    public var fnWeight: Double

    public static let standard = NABProfile(name: "standard", tpWeight: 1, fpWeight: 0.11, fnWeight: 1)
    public static let lowFP = NABProfile(name: "reward_low_FP_rate", tpWeight: 1, fpWeight: 0.22, fnWeight: 1)
    public static let lowFN = NABProfile(name: "reward_low_FN_rate", tpWeight: 1, fpWeight: 0.11, fnWeight: 2)
    public static let all = [standard, lowFP, lowFN]

    /// The profiles a `--profile` value names (`all` for the three).
    public static func named(_ text: String) -> [NABProfile]? {
        text == "all" ? all : all.first { $0.name == text }.map { [$0] }
    }
}
