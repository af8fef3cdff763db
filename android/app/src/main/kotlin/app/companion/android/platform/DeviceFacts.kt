// What the phone can do for unlocking, reported to the core (it decides what to offer):
// strong biometrics (androidx.biometric BiometricManager, BIOMETRIC_STRONG: only class 3
// biometrics can guard a Keystore key), and whether the Keystore key exists.
// Android-only: not compiled on the JVM.
package app.companion.android.platform

import android.content.Context
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import app.companion.android.keys.AndroidKeystoreKey
import app.companion.core.Biometrics
import app.companion.core.Platform

object DeviceFacts {
    fun platform(context: Context): Platform = Platform(biometrics(context), AndroidKeystoreKey.exists())

    private fun biometrics(context: Context): Biometrics =
        when (BiometricManager.from(context).canAuthenticate(BIOMETRIC_STRONG)) {
            BiometricManager.BIOMETRIC_SUCCESS -> Biometrics.AVAILABLE
            BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED -> Biometrics.NOT_ENROLLED
            else -> Biometrics.UNAVAILABLE
        }
}
