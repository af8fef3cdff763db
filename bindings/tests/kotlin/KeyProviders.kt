// Key providers written in Kotlin for the suite: the app's real AesGcmKeyProvider
// (android/.../AesGcmKeyProvider.kt) on a software AES key instead of an Android Keystore key,
// and misbehaving ones that throw or lose their key.
package app.companion.tests

import app.companion.KeyProvider
import app.companion.KeyProviderException
import app.companion.android.keys.AesGcmKeyProvider
import java.security.SecureRandom
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/** A fresh software AES-256 key, standing in for a key the platform key store holds. */
fun softwareKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

/** The app's provider on its own key; counts calls, so tests can see the core used it. */
class CountingAesProvider(key: SecretKey = softwareKey()) : KeyProvider {
    private val inner = AesGcmKeyProvider { key }
    @Volatile var wraps = 0
    @Volatile var unwraps = 0

    override fun wrapKey(dataKey: ByteArray): ByteArray {
        wraps++
        return inner.wrapKey(dataKey)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        unwraps++
        return inner.unwrapKey(wrapped)
    }
}

/** Throws what buggy platform code throws: not a KeyProviderException. */
class CrashingProvider : KeyProvider {
    override fun wrapKey(dataKey: ByteArray): ByteArray = throw IllegalStateException("simulated keystore crash")
    override fun unwrapKey(wrapped: ByteArray): ByteArray = throw IllegalStateException("simulated keystore crash")
}

/** Reports a typed failure, as a locked key store would. */
class RefusingProvider : KeyProvider {
    override fun wrapKey(dataKey: ByteArray): ByteArray = throw KeyProviderException.Failed("the keystore is locked")
    override fun unwrapKey(wrapped: ByteArray): ByteArray = throw KeyProviderException.Failed("the keystore is locked")
}

/** Unwraps to 32 bytes that are not the data key (a key store that lost its key). */
class ForgetfulProvider : KeyProvider {
    override fun wrapKey(dataKey: ByteArray): ByteArray = dataKey.copyOf()
    override fun unwrapKey(wrapped: ByteArray): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }
}
