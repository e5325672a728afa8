import Engine
import Foundation
import Testing

/// RS256 signatures from libcrypto, checked by an independent verifier: the `openssl` command on
/// a key pair it generated.
@Suite struct RSASigningKeyTests {
    /// Runs `openssl` with `arguments`; true when it exits 0.
    @discardableResult
    func openssl(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func folder() throws -> URL { try temporaryFolder("engine-rsa") }

    @Test func aJWTSignatureVerifiesWithOpenSSLAndTheDERKeyMatchesItsPublicKey() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let privatePath = dir.appendingPathComponent("key.pem").path
        let publicPath = dir.appendingPathComponent("pub.der").path
        #expect(try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePath]))
        #expect(try openssl(["pkey", "-in", privatePath, "-pubout", "-outform", "DER", "-out", publicPath]))
        let key = try RSASigningKey(pem: try String(contentsOfFile: privatePath, encoding: .utf8), label: "test key")
        #expect(try key.publicKeyDER() == Array(try Data(contentsOf: URL(fileURLWithPath: publicPath))))

        let token = try JSONWebToken.rs256(claims: .object(["sub": .string("engine"), "iat": .int(1_700_000_000)]), key: key)
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(String(decoding: try #require(Self.decode(parts[0])), as: UTF8.self) == #"{"alg":"RS256","typ":"JWT"}"#)
        #expect(String(decoding: try #require(Self.decode(parts[1])), as: UTF8.self) == #"{"iat":1700000000,"sub":"engine"}"#)
        let signature = try #require(Self.decode(parts[2]))
        #expect(signature.count == 256)
        let input = dir.appendingPathComponent("input")
        let signatureFile = dir.appendingPathComponent("sig")
        try Data((parts[0] + "." + parts[1]).utf8).write(to: input)
        try signature.write(to: signatureFile)
        #expect(try openssl(["dgst", "-sha256", "-verify", publicPath, "-keyform", "DER", "-signature", signatureFile.path, input.path]))
        // The same bytes with one changed must not verify: the check above could fail.
        try Data((parts[0] + "." + parts[1] + "x").utf8).write(to: input)
        #expect(try !openssl(["dgst", "-sha256", "-verify", publicPath, "-keyform", "DER", "-signature", signatureFile.path, input.path]))
    }

    @Test func aKeyThatIsNotRSAOrNotPEMIsRefusedByName() throws {
        #expect { try RSASigningKey(pem: "not a key", label: "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY") } throws: {
            "\($0)".hasPrefix("ANOMSTACK_SNOWFLAKE_PRIVATE_KEY: not a PEM private key")
        }
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ec.pem").path
        #expect(try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]))
        #expect { try RSASigningKey(pem: try String(contentsOfFile: path, encoding: .utf8), label: "ec.pem") } throws: {
            "\($0)" == "ec.pem: the private key is not an RSA key (RS256 needs RSA)"
        }
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
