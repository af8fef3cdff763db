// What the platform does for the app model's effects (app.companion.core.Effect), one method
// each. The Android implementation (platform/AndroidPlatform.kt) forwards to the system:
// BiometricPrompt, the dialler, AlarmManager, WorkManager, the document picker. Results come
// back as events (Event.Authenticated, BackupAction.FilePicked, SharingAction.Scanned).
//
// Plain Kotlin, compiled on the JVM with the bindings' Kotlin suite.
package app.companion.android.app

import app.companion.core.AuthPurpose
import app.companion.core.NotificationPlan
import app.companion.core.ReminderSchedule

interface PlatformActions {
    /** Show the biometric prompt; answer with Event.Authenticated or Event.AuthenticationFailed. */
    fun authenticate(purpose: AuthPurpose, title: String, subtitle: String, cancel: String)

    /** Delete the key-store key (biometric unlock was turned off). */
    fun forgetDeviceKey()

    fun dial(number: String)

    fun message(number: String)

    /** Cancel what was scheduled under plan.group, then schedule plan.upcoming. */
    fun notifications(plan: NotificationPlan)

    /** Replace the standing reminders; keep the schedule for after a reboot. */
    fun reminders(schedule: ReminderSchedule)

    fun saveFile(suggestedName: String, mime: String, bytes: ByteArray)

    /** Let the person pick a file; send its bytes back with BackupAction.FilePicked. */
    fun pickFile(mime: String)

    /** Open the camera; send the text back with SharingAction.Scanned. */
    fun scanCode()

    /** Switch the launcher icon and name (discreet or not). */
    fun appIdentity(discreet: Boolean, name: String)

    /** Enqueue a background sync. */
    fun syncSoon()

    /** Leave the app (quick exit). */
    fun leaveApp()
}
