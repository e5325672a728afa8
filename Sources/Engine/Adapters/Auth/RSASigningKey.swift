import CLibCrypto
import Foundation

/// An RSA private key read from PEM (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`),
/// which signs with RSASSA-PKCS1-v1_5 over SHA-256 (JWT's RS256). The arithmetic is OpenSSL's
/// libcrypto: RSA is not something to write by hand, and libcrypto is a system library that
/// builds in seconds where swift-crypto would compile BoringSSL for minutes.
public final class RSASigningKey: Sendable {
    // Only read after init; libcrypto allows concurrent signing with one key and separate contexts.
    private nonisolated(unsafe) let key: OpaquePointer

    /// Reads the key; `label` names where it came from in errors (a file or a variable, never the key).
    public init(pem: String, label: String) throws {
        let bytes = Array(pem.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else {
            throw JobError("\(label): not a PEM private key (\(Self.lastError())); an unencrypted PKCS#8 or PKCS#1 RSA key is needed")
        }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
            EVP_PKEY_free(parsed)
            throw JobError("\(label): the private key is not an RSA key (RS256 needs RSA)")
        }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// The RS256 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw JobError("RS256: out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { throw JobError("RS256: \(Self.lastError())") }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { throw JobError("RS256: \(Self.lastError())") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { throw JobError("RS256: \(Self.lastError())") }
        return Array(signature.prefix(length))
    }

    /// The public half as DER SubjectPublicKeyInfo, which Snowflake fingerprints.
    public func publicKeyDER() throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &out)
        guard length > 0, let out else { throw JobError("RSA public key: \(Self.lastError())") }
        defer { CRYPTO_free(out, #file, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    private static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { ERR_error_string_n(code, $0, bytes.count) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}
