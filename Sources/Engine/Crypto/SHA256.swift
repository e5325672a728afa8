import CLibCrypto
import Foundation

/// SHA-256 (FIPS 180-4) through libcrypto, which the package links for JWT signatures anyway:
/// model checksums, webhook and cloud signatures, fingerprints. Fed in pieces with `update` and
/// read once with `finalize`; `hash` does both for one buffer.
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    public init() {
        // Allocation failure is the only way these fail; there is nothing to recover to.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto cannot start a SHA-256 digest")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to what is hashed.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
    }

    /// Adds the bytes of a raw buffer (a value's memory, as `withUnsafeBytes(of:)` gives it).
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    /// The 32-byte digest of everything added.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    /// The digest of one sequence of bytes.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finalize()
    }
}

/// HMAC-SHA256 (RFC 2104) through libcrypto: webhook signatures, AWS and Azure request signing,
/// session tokens.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty key still needs a valid pointer: libcrypto refuses a NULL key.
        let keyBytes = key.isEmpty ? [0] : key
        _ = HMAC(EVP_sha256(), keyBytes, Int32(key.count), message, message.count, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }
}
