import Engine
import Foundation
import Hummingbird
import Logging

/// Turns errors into answers a person or a client can act on: JSON `{"error": ...}` under
/// `/api/`, a small HTML page elsewhere; 4xx for bad requests (with the message), 500 for the
/// engine's own failures (logged in full, answered briefly).
struct ErrorPresenter: RouterMiddleware {
    typealias Context = EngineRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let api = request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics"
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let message = (error as? RequestError)?.description ?? (error as? HTTPError)?.body ?? error.status.reasonPhrase
            let explained =
                error.status == .contentTooLarge
                ? "the request body is larger than \(EngineRequestContext.maxBodyBytes / 1024) KB" : message
            return api ? Self.json(error.status, message: explained) : Self.page(error.status, message: explained)
        } catch let error as TimeWindowError {
            return api ? Self.json(.badRequest, message: error.description) : Self.page(.badRequest, message: error.description)
        } catch let error as MetricFilterError {
            return api ? Self.json(.badRequest, message: error.description) : Self.page(.badRequest, message: error.description)
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return api
                ? Self.json(.internalServerError, message: "internal error: \(error)")
                : Self.page(.internalServerError, message: "Something went wrong on the server: \(error)")
        }
    }

    static func json(_ status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = CanonicalJSON.object(["error": .string(message), "status": .int(status.code)]).text + "\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func page(_ status: HTTPResponse.Status, message: String) -> Response {
        let html = PageRenderer.shared.render(
            "error", title: "\(status.code) \(status.reasonPhrase)",
            context: ["status": status.code, "reason": status.reasonPhrase, "message": message])
        return PageRenderer.response(html, status: status)
    }
}
