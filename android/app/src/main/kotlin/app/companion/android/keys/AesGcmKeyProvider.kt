// The app's KeyProvider: wraps the store's data key with an AES-256-GCM key that the platform
// key store holds (on Android, a non-exportable Android Keystore key; see AndroidKeystoreKey.kt).
//
// Plain JVM Kotlin with no Android imports, so the same class is compiled and exercised on the
// JVM by the bindings' Kotlin test suite (bindings/tests/kotlin) with a software key.
//
// Blob format, version 1: 0x01 ‖ IV (12 bytes, chosen by the cipher) ‖ AES-GCM(data key) ‖ tag
// (16 bytes), with the associated data "companion data key v1", so a blob made for something
// else never unwraps here. Failures are reported as KeyProviderException.Failed with a reason
// that never contains key material; the core turns them into CompanionException.KeyProviderFailed.
package app.companion.android.keys

import app.companion.KeyProvider
import app.companion.KeyProviderException
import java.security.GeneralSecurityException
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

class AesGcmKeyProvider(
    /** Returns the wrapping key; called for every wrap and unwrap (Keystore keys are handles). */
    private val wrappingKey: () -> SecretKey,
) : KeyProvider {

    override fun wrapKey(dataKey: ByteArray): ByteArray {
        if (dataKey.size != DATA_KEY_BYTES) {
            throw KeyProviderException.Failed("expected a $DATA_KEY_BYTES-byte data key")
        }
        return guarded("wrap") {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            // No IV passed: the cipher (and Android Keystore, which insists) picks a fresh one.
            cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
            cipher.updateAAD(AAD)
            val iv = cipher.iv
            if (iv == null || iv.size != IV_BYTES) {
                throw KeyProviderException.Failed("the key store chose an unexpected IV length")
            }
            byteArrayOf(VERSION) + iv + cipher.doFinal(dataKey)
        }
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray {
        if (wrapped.size != 1 + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES || wrapped[0] != VERSION) {
            throw KeyProviderException.Failed("the wrapped key has an unknown format")
        }
        return guarded("unwrap") {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            val iv = wrapped.copyOfRange(1, 1 + IV_BYTES)
            cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(TAG_BYTES * 8, iv))
            cipher.updateAAD(AAD)
            cipher.doFinal(wrapped, 1 + IV_BYTES, wrapped.size - 1 - IV_BYTES)
        }
    }

    private inline fun guarded(what: String, block: () -> ByteArray): ByteArray =
        try {
            block()
        } catch (e: KeyProviderException) {
            throw e
        } catch (e: GeneralSecurityException) {
            // The class name says enough (AEADBadTagException, KeyPermanentlyInvalidatedException,
            // UserNotAuthenticatedException...); messages may carry provider internals.
            throw KeyProviderException.Failed("could not $what the data key: ${e.javaClass.simpleName}")
        }

    companion object {
        const val DATA_KEY_BYTES = 32
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
        const val VERSION: Byte = 1
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        private val AAD = "companion data key v1".toByteArray(Charsets.UTF_8)
    }
}
