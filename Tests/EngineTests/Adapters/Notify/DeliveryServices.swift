import Engine
import Fixtures
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real SMTP server and HTTP receiver that `scripts/test-services.sh` starts on 127.0.0.1
/// (scripts/test.sh sources it). A test that needs them fails, naming the script, when they are
/// not running: it never skips.
struct DeliveryServices {
    let smtpPort: Int
    let mailFolder: URL
    let certificate: String
    let http: URL

    static func require() throws -> DeliveryServices {
        guard let port = Int(try TestServices.url("ENGINE_TEST_SMTP_PORT")),
            let http = URL(string: try TestServices.url("ENGINE_TEST_HTTP_URL"))
        else {
            throw TestServices.Missing(variable: "ENGINE_TEST_SMTP_PORT")
        }
        return DeliveryServices(
            smtpPort: port, mailFolder: URL(fileURLWithPath: try TestServices.url("ENGINE_TEST_SMTP_DIR")),
            certificate: try TestServices.url("ENGINE_TEST_SMTP_CA"), http: http)
    }

    /// A port on 127.0.0.1 that nothing listens on.
    static let closedPort = 9

    /// A token that keeps one test's requests and mail apart from the others'.
    static func token() -> String { UUID().uuidString.lowercased().prefix(12).description }

    /// The requests the HTTP receiver recorded whose path contains `text`.
    func requests(containing text: String) async throws -> [[String: Any]] {
        var components = URLComponents(url: http.appendingPathComponent("_requests"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "contains", value: text)]
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// The messages the SMTP server received for `recipient`, waiting up to five seconds for one.
    func mail(to recipient: String) async throws -> [[String: Any]] {
        for _ in 0..<50 {
            let files = try FileManager.default.contentsOfDirectory(atPath: mailFolder.path).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            let found = try files.compactMap { name -> [String: Any]? in
                let data = try Data(contentsOf: mailFolder.appendingPathComponent(name))
                let message = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                return (message?["rcpt_tos"] as? [String])?.contains(recipient) == true ? message : nil
            }
            if !found.isEmpty { return found }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return []
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A recorded request's body.
    var body: Data { Data(base64Encoded: self["body_base64"] as? String ?? "") ?? Data() }
    var headers: [String: String] { self["headers"] as? [String: String] ?? [:] }
}
