/// The engine's version, written into replay outputs so a golden says what produced it.
public enum EngineVersion {
    public static let current = "0.1.0"
}
