// The wrapping key in Android Keystore: AES-256-GCM, non-exportable, hardware-backed where the
// device has it (StrongBox when present). It is bound to biometrics: usable only for a short
// time after a strong biometric match (BiometricPrompt, BIOMETRIC_STRONG), and invalidated
// when fingerprints or faces are added, so the store then opens with the recovery passphrase
// only (the core says so on the lock screen). AesGcmKeyProvider wraps the store's data key
// with it. Android-only: not compiled on the JVM.
package app.companion.android.keys

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

object AndroidKeystoreKey {
    private const val ALIAS = "companion-store-key"
    private const val PROVIDER = "AndroidKeyStore"

    /** Seconds the key stays usable after a biometric match: enough to open the store. */
    private const val AUTH_VALIDITY_SECS = 30

    /** The key provider the app opens its store with. */
    fun provider(): AesGcmKeyProvider = AesGcmKeyProvider { getOrCreate() }

    /** Whether biometric unlock was set up on this phone (the key exists). */
    fun exists(): Boolean = keyStore().containsAlias(ALIAS)

    @Synchronized
    fun getOrCreate(): SecretKey {
        (keyStore().getKey(ALIAS, null) as? SecretKey)?.let { return it }
        return try {
            generate(strongBox = Build.VERSION.SDK_INT >= 28)
        } catch (e: StrongBoxUnavailableException) {
            generate(strongBox = false)
        }
    }

    /** Forget the key (biometric unlock turned off): the store then opens with its passphrase. */
    fun delete() {
        keyStore().deleteEntry(ALIAS)
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .setUserAuthenticationRequired(true)
            .setInvalidatedByBiometricEnrollment(true)
            .apply {
                if (Build.VERSION.SDK_INT >= 30) {
                    setUserAuthenticationParameters(AUTH_VALIDITY_SECS, KeyProperties.AUTH_BIOMETRIC_STRONG)
                } else {
                    @Suppress("DEPRECATION")
                    setUserAuthenticationValidityDurationSeconds(AUTH_VALIDITY_SECS)
                }
                if (Build.VERSION.SDK_INT >= 28) {
                    setUnlockedDeviceRequired(true)
                    setIsStrongBoxBacked(strongBox)
                }
            }
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).apply { init(spec) }.generateKey()
    }
}
