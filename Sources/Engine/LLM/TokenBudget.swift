import Foundation

/// The tokens one job run may spend on a language model (`llm_max_tokens_per_run`). Requests
/// are refused once the budget is spent, so a batch of a thousand metrics cannot run up a bill.
public actor TokenBudget {
    public let limit: Int
    public private(set) var spent = 0

    public init(limit: Int) {
        self.limit = limit
    }

    /// Whether a request of about `estimate` tokens still fits.
    public func allows(_ estimate: Int) -> Bool { spent + estimate <= limit }

    public func charge(_ response: ChatResponse) { spent += response.promptTokens + response.completionTokens }

    /// A rough token count of text (four characters a token) and images, for requests not sent yet.
    public static func estimate(_ request: ChatRequest) -> Int {
        request.messages.reduce(0) { $0 + $1.content.count } / 4 + request.maxTokens
            + request.messages.reduce(0) { $0 + $1.images.count } * tokensPerImage
    }

    /// What one chart image costs, about: a 1000 × 500 picture is a few 512-pixel tiles of
    /// 170 tokens each, plus a base, at the common vision models' rates.
    public static let tokensPerImage = 1_000
}
