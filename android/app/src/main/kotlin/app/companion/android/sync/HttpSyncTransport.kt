// The app's own HTTP stack for pairing and syncing: java.net.HttpURLConnection (on Android
// backed by the platform's TLS and network security config). The core signs and seals every
// request; this class only carries bytes. Every HTTP answer is returned, whatever its status
// (the core decides what a 401 or a 503 means); only "no answer at all" (no network, DNS,
// TLS, a timeout) is reported as TransportFailure.Unreachable, and the sync is retried later.
//
// Plain Kotlin with no Android imports: tested on the JVM against a real sync server
// (bindings/tests/kotlin/AppDayTests.kt).
package app.companion.android.sync

import app.companion.HttpCall
import app.companion.HttpReply
import app.companion.SyncTransport
import app.companion.TransportFailure
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URL

class HttpSyncTransport(
    private val connectTimeoutMs: Int = 15_000,
    private val readTimeoutMs: Int = 30_000,
) : SyncTransport {

    override fun send(request: HttpCall): HttpReply {
        val connection = try {
            URL(request.url).openConnection() as? HttpURLConnection
                ?: throw TransportFailure.Unreachable("not an http(s) address")
        } catch (e: IOException) {
            throw unreachable(e)
        } catch (e: IllegalArgumentException) {
            throw TransportFailure.Unreachable("the server address is not valid")
        }
        try {
            connection.requestMethod = request.method
            connection.connectTimeout = connectTimeoutMs
            connection.readTimeout = readTimeoutMs
            connection.instanceFollowRedirects = false
            connection.useCaches = false
            request.headers.forEach { connection.setRequestProperty(it.name, it.value) }
            // A GET with doOutput would turn into a POST: only requests that carry a body write one.
            if (request.body.isNotEmpty() || request.method == "POST" || request.method == "PUT") {
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(request.body.size)
                connection.outputStream.use { it.write(request.body) }
            }
            val status = connection.responseCode
            val body = (if (status >= 400) connection.errorStream else connection.inputStream).readAllOrEmpty()
            return HttpReply(status.toUShort(), body)
        } catch (e: IOException) {
            throw unreachable(e)
        } finally {
            connection.disconnect()
        }
    }

    private fun InputStream?.readAllOrEmpty(): ByteArray = this?.use { it.readBytes() } ?: ByteArray(0)

    // The exception's class says enough (UnknownHostException, SocketTimeoutException,
    // SSLHandshakeException); its message may hold the address, which is no secret but no use.
    private fun unreachable(e: IOException) =
        TransportFailure.Unreachable("the server could not be reached (${e.javaClass.simpleName})")
}
