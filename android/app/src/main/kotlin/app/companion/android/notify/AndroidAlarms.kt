// AlarmPort and KeyValueStore for ReminderPlanner on Android: exact alarms with AlarmManager
// (setExactAndAllowWhileIdle; an inexact alarm when the person has not allowed exact ones),
// each posting its notification through ReminderReceiver; SharedPreferences in the app's
// private storage (excluded from backups). Also the notification channel.
// Android-only: not compiled on the JVM.
package app.companion.android.notify

import android.app.AlarmManager
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.os.Build
import app.companion.core.ScheduledNotification
import java.util.TimeZone

object AndroidAlarms {
    const val CHANNEL = "reminders"

    fun planner(context: Context): ReminderPlanner {
        val prefs = context.getSharedPreferences("alarms", Context.MODE_PRIVATE)
        val store = object : KeyValueStore {
            override fun get(key: String): String? = prefs.getString(key, null)
            override fun put(key: String, value: String?) = prefs.edit().putString(key, value).apply()
        }
        return ReminderPlanner(store, Port(context), { System.currentTimeMillis() }, { TimeZone.getDefault().id })
    }

    /** One channel, with a neutral name: its name shows in the system settings. */
    fun createChannels(context: Context) {
        val channel = NotificationChannel(CHANNEL, "Reminders", NotificationManager.IMPORTANCE_DEFAULT)
        context.getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }

    private class Port(private val context: Context) : AlarmPort {
        private val alarms = context.getSystemService(AlarmManager::class.java)

        override fun set(notification: ScheduledNotification) {
            val pending = intent(notification.key) { it.putExtras(ReminderReceiver.extras(notification)) }
            val exact = Build.VERSION.SDK_INT < 31 || alarms.canScheduleExactAlarms()
            if (exact) {
                alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, notification.atUtcMs, pending)
            } else {
                alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, notification.atUtcMs, pending)
            }
        }

        override fun cancel(key: String) = alarms.cancel(intent(key) { it })

        private fun intent(key: String, fill: (Intent) -> Intent): PendingIntent {
            val i = fill(Intent(context, ReminderReceiver::class.java).setAction(key))
            return PendingIntent.getBroadcast(context, 0, i, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE)
        }
    }
}
