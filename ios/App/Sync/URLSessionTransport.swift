// The app's own HTTP stack for pairing and syncing (as Android's HttpSyncTransport.kt):
// URLSession, called on the thread running the sync (never the main thread). Every HTTP answer
// is returned whatever its status; only "no answer" is TransportFailure.Unreachable.
import Companion
import Foundation

final class URLSessionTransport: SyncTransport, @unchecked Sendable {
    private let session: URLSession = {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 30
        config.urlCache = nil
        return URLSession(configuration: config)
    }()

    func send(request: HttpCall) throws -> HttpReply {
        guard let url = URL(string: request.url) else {
            throw TransportFailure.Unreachable(reason: "the server address is not valid")
        }
        var req = URLRequest(url: url)
        req.httpMethod = request.method
        for h in request.headers { req.setValue(h.value, forHTTPHeaderField: h.name) }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" { req.httpBody = request.body }
        let done = DispatchSemaphore(value: 0)
        var result: Result<HttpReply, TransportFailure> = .failure(.Unreachable(reason: "no answer"))
        session.dataTask(with: req) { data, response, error in
            if let http = response as? HTTPURLResponse {
                result = .success(HttpReply(status: UInt16(clamping: http.statusCode), body: data ?? Data()))
            } else {
                let kind = (error as? URLError)?.code.rawValue ?? 0
                result = .failure(.Unreachable(reason: "the server could not be reached (URLError \(kind))"))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }
}
