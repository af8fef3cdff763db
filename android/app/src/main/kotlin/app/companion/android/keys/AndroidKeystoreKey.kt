// The wrapping key in Android Keystore: AES-256-GCM, non-exportable, hardware-backed where the
// device has it (StrongBox when present), usable only while the device is unlocked (API 28+).
// AesGcmKeyProvider wraps the store's data key with it. Android-only: not compiled on the JVM.
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

    /** The key provider the app opens its store with. */
    fun provider(): AesGcmKeyProvider = AesGcmKeyProvider { getOrCreate() }

    @Synchronized
    fun getOrCreate(): SecretKey {
        val ks = KeyStore.getInstance(PROVIDER).apply { load(null) }
        (ks.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        return try {
            generate(strongBox = Build.VERSION.SDK_INT >= 28)
        } catch (e: StrongBoxUnavailableException) {
            generate(strongBox = false)
        }
    }

    /** Forget the key ("erase everything"): the store then opens only with its passphrase. */
    fun delete() {
        KeyStore.getInstance(PROVIDER).apply { load(null) }.deleteEntry(ALIAS)
    }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .apply {
                if (Build.VERSION.SDK_INT >= 28) {
                    setUnlockedDeviceRequired(true)
                    setIsStrongBoxBacked(strongBox)
                }
            }
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).apply { init(spec) }.generateKey()
    }
}
