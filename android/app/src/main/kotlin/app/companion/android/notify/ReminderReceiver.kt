// An alarm fired: post its notification (title and body as the core worded them, neutral by
// default; hidden content on a locked screen), open the app when tapped, and arm the next
// occurrence of standing reminders. Android-only: not compiled on the JVM.
package app.companion.android.notify

import android.Manifest
import android.app.PendingIntent
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Bundle
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.core.content.ContextCompat
import app.companion.android.CompanionApp
import app.companion.android.R
import app.companion.android.ui.MainActivity
import app.companion.core.ScheduledNotification

class ReminderReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val key = intent.action ?: return
        val title = intent.getStringExtra(TITLE) ?: return
        val body = intent.getStringExtra(BODY) ?: return
        val open = PendingIntent.getActivity(
            context, 0, Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP),
            PendingIntent.FLAG_IMMUTABLE,
        )
        val note = NotificationCompat.Builder(context, AndroidAlarms.CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(title)
            .setContentText(body)
            .setContentIntent(open)
            .setAutoCancel(true)
            .setVisibility(NotificationCompat.VISIBILITY_PRIVATE)
            .setPublicVersion(
                NotificationCompat.Builder(context, AndroidAlarms.CHANNEL)
                    .setSmallIcon(R.drawable.ic_notification)
                    .setContentTitle("Reminder")
                    .build(),
            )
            .build()
        val allowed = ContextCompat.checkSelfPermission(context, Manifest.permission.POST_NOTIFICATIONS) ==
            PackageManager.PERMISSION_GRANTED
        if (allowed) NotificationManagerCompat.from(context).notify(key, 0, note)
        (context.applicationContext as CompanionApp).reminders.rearm()
    }

    companion object {
        private const val TITLE = "title"
        private const val BODY = "body"

        fun extras(n: ScheduledNotification) = Bundle().apply {
            putString(TITLE, n.title)
            putString(BODY, n.body)
        }
    }
}
