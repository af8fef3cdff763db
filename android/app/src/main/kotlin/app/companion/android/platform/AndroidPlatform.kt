// The app model's effects carried out on Android, each forwarded as it is: the biometric
// prompt, the dialler and messages, alarms (ReminderPlanner over AlarmManager), the document
// picker, the camera, the launcher entry (discreet or not), WorkManager, leaving the app.
// What needs an activity goes to the one on screen. Android-only: not compiled on the JVM.
package app.companion.android.platform

import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import app.companion.android.app.PlatformActions
import app.companion.android.keys.AndroidKeystoreKey
import app.companion.android.notify.ReminderPlanner
import app.companion.android.sync.SyncWorker
import app.companion.android.ui.MainActivity
import app.companion.core.AuthPurpose
import app.companion.core.NotificationPlan
import app.companion.core.ReminderSchedule
import java.lang.ref.WeakReference

class AndroidPlatform(private val context: Context, private val reminders: ReminderPlanner) : PlatformActions {
    private var activity = WeakReference<MainActivity>(null)

    /** The activity on screen (set in onResume, cleared in onPause). */
    fun attach(a: MainActivity?) {
        activity = WeakReference(a)
    }

    override fun authenticate(purpose: AuthPurpose, title: String, subtitle: String, cancel: String) {
        activity.get()?.authenticate(title, subtitle, cancel)
    }

    override fun forgetDeviceKey() = AndroidKeystoreKey.delete()

    override fun dial(number: String) = start(Intent(Intent.ACTION_DIAL, Uri.parse("tel:$number")))

    override fun message(number: String) = start(Intent(Intent.ACTION_SENDTO, Uri.parse("smsto:$number")))

    override fun notifications(plan: NotificationPlan) = reminders.surf(plan)

    override fun reminders(schedule: ReminderSchedule) = reminders.replace(schedule)

    override fun saveFile(suggestedName: String, mime: String, bytes: ByteArray) {
        activity.get()?.saveFile(suggestedName, mime, bytes)
    }

    override fun pickFile(mime: String) {
        activity.get()?.pickFile(mime)
    }

    override fun scanCode() {
        activity.get()?.scanCode()
    }

    override fun appIdentity(discreet: Boolean, name: String) {
        val pm = context.packageManager
        fun set(alias: String, on: Boolean) = pm.setComponentEnabledSetting(
            ComponentName(context, "${context.packageName}.$alias"),
            if (on) PackageManager.COMPONENT_ENABLED_STATE_ENABLED else PackageManager.COMPONENT_ENABLED_STATE_DISABLED,
            PackageManager.DONT_KILL_APP,
        )
        // Enable the new entry before disabling the old one, so the launcher always has one.
        set(if (discreet) "Journal" else "Companion", true)
        set(if (discreet) "Companion" else "Journal", false)
    }

    override fun syncSoon() = SyncWorker.runSoon(context)

    override fun leaveApp() {
        activity.get()?.finishAndRemoveTask()
    }

    private fun start(intent: Intent) {
        val a = activity.get()
        if (a != null) a.startActivity(intent) else context.startActivity(intent.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
    }
}
