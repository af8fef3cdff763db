// The one activity: no screenshots or app-switcher previews (FLAG_SECURE from the first
// frame), the app model's view rendered by AppScreen, and the effects that need an activity:
// the biometric prompt (BiometricPrompt, BIOMETRIC_STRONG, which unlocks the Keystore key for
// a few seconds), saving and picking files, the camera, the notification permission.
// Results go back to the core as events. Android-only: not compiled on the JVM.
package app.companion.android.ui

import android.Manifest
import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.activity.result.contract.ActivityResultContracts
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import app.companion.android.CompanionApp
import app.companion.android.platform.DeviceFacts
import app.companion.android.qr.ScanActivity
import app.companion.core.BackupAction
import app.companion.core.Event
import app.companion.core.SharingAction

class MainActivity : FragmentActivity() {
    private val app get() = application as CompanionApp
    private var pendingSave: ByteArray? = null

    private val save = registerForActivityResult(ActivityResultContracts.CreateDocument("application/octet-stream")) { uri ->
        val bytes = pendingSave
        pendingSave = null
        if (uri != null && bytes != null) contentResolver.openOutputStream(uri)?.use { it.write(bytes) }
    }

    private val pick = registerForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
        val bytes = uri?.let { u -> contentResolver.openInputStream(u)?.use { it.readBytes() } }
        if (bytes != null) app.controller.send(Event.Backup(BackupAction.FilePicked(bytes)))
    }

    private val scan = registerForActivityResult(ActivityResultContracts.StartActivityForResult()) { result ->
        val text = result.data?.getStringExtra(ScanActivity.RESULT_TEXT)
        if (text != null) app.controller.send(Event.Sharing(SharingAction.Scanned(text)))
    }

    private val notifications = registerForActivityResult(ActivityResultContracts.RequestPermission()) {}

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= 33) notifications.launch(Manifest.permission.POST_NOTIFICATIONS)
        setContent { AppScreen(app.controller) }
        if (savedInstanceState == null) app.controller.send(Event.Started) else app.controller.refresh()
    }

    override fun onResume() {
        super.onResume()
        app.platform.attach(this)
        app.model.setPlatform(DeviceFacts.platform(this))
    }

    override fun onPause() {
        app.platform.attach(null)
        super.onPause()
    }

    fun authenticate(title: String, subtitle: String, cancel: String) {
        val callback = object : BiometricPrompt.AuthenticationCallback() {
            override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) =
                app.controller.send(Event.Authenticated)

            override fun onAuthenticationError(code: Int, message: CharSequence) {
                val cancelled = code == BiometricPrompt.ERROR_NEGATIVE_BUTTON ||
                    code == BiometricPrompt.ERROR_USER_CANCELED || code == BiometricPrompt.ERROR_CANCELED
                app.controller.send(Event.AuthenticationFailed(cancelled))
            }
        }
        val info = BiometricPrompt.PromptInfo.Builder()
            .setTitle(title)
            .setSubtitle(subtitle)
            .setNegativeButtonText(cancel)
            .setAllowedAuthenticators(BIOMETRIC_STRONG)
            .build()
        BiometricPrompt(this, ContextCompat.getMainExecutor(this), callback).authenticate(info)
    }

    fun saveFile(suggestedName: String, mime: String, bytes: ByteArray) {
        pendingSave = bytes
        save.launch(suggestedName)
    }

    fun pickFile(mime: String) = pick.launch(arrayOf(mime))

    fun scanCode() = scan.launch(android.content.Intent(this, ScanActivity::class.java))
}
