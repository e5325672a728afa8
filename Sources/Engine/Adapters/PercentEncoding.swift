import Foundation

/// RFC 3986 percent-encoding of everything but the unreserved characters (letters, digits and
/// `-._~`): what request signing, form bodies and object names in URLs all need.
public enum PercentEncoding {
    public static func unreserved(_ text: String, keepSlash: Bool = false) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
