import Foundation

/// A signed JSON Web Token (RFC 7519) in compact form, RS256 only: what Google's service-account
/// flow and Snowflake's key-pair authentication both ask for.
public enum JSONWebToken {
    /// `base64url(header).base64url(claims).base64url(signature)`.
    public static func rs256(claims: CanonicalJSON, key: RSASigningKey) throws -> String {
        let header = CanonicalJSON.object(["alg": .string("RS256"), "typ": .string("JWT")])
        let signingInput = base64URL(Array(header.text.utf8)) + "." + base64URL(Array(claims.text.utf8))
        return signingInput + "." + base64URL(try key.sign(Array(signingInput.utf8)))
    }

    /// Base64 with the URL alphabet and no padding (RFC 7515, section 2).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
