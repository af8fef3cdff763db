// After a reboot, an app update, a change of the clock or the time zone, or the exact-alarm
// permission being granted: tell the core the zone and re-arm the reminders from the kept
// schedule (the core computes every instant; the journal may stay locked).
// Android-only: not compiled on the JVM.
package app.companion.android.notify

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import app.companion.android.CompanionApp
import java.util.TimeZone

class BootReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val app = context.applicationContext as CompanionApp
        runCatching { app.model.core().setTimeZone(TimeZone.getDefault().id) }
        app.reminders.rearm()
    }
}
