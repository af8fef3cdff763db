// Carries out the core's notification schedules with exact alarms:
// - standing reminders (Effect.Reminders): the schedule's JSON is kept (it holds times and the
//   neutral or chosen words, never anything the person wrote), the next occurrence of each
//   rule is armed, and after a reboot, a time or time-zone change, or a reminder firing, the
//   next occurrences are asked of the core again (upcomingReminders works with the journal
//   locked), so "20:30" stays 20:30 wherever the phone is;
// - a surf session's one-off notifications (Effect.Notifications): whatever was armed for the
//   group is cancelled and the new ones armed.
// It computes no time itself: every instant comes from the core.
//
// Plain Kotlin with no Android imports (AlarmPort and KeyValueStore are implemented with
// AlarmManager and SharedPreferences in AndroidAlarms.kt): tested on the JVM.
package app.companion.android.notify

import app.companion.CompanionException
import app.companion.core.NotificationPlan
import app.companion.core.ReminderSchedule
import app.companion.core.ScheduledNotification
import app.companion.reminderScheduleJson
import app.companion.upcomingReminders

/** Small values kept by the platform (SharedPreferences, in the no-backup area). */
interface KeyValueStore {
    fun get(key: String): String?

    fun put(key: String, value: String?)
}

/** Exact alarms that post a notification when they fire. */
interface AlarmPort {
    fun set(notification: ScheduledNotification)

    fun cancel(key: String)
}

class ReminderPlanner(
    private val prefs: KeyValueStore,
    private val alarms: AlarmPort,
    private val nowMs: () -> Long,
    /** The phone's current IANA time zone. */
    private val zone: () -> String,
) {
    /** A new schedule from the app model: keep it and arm it. */
    fun replace(schedule: ReminderSchedule) {
        prefs.put(SCHEDULE, reminderScheduleJson(schedule))
        rearm()
    }

    /**
     * Arm the next occurrence of every kept rule and cancel alarms of rules that are gone.
     * Call after a reboot, a time or time-zone change, and when a reminder has fired.
     */
    fun rearm() {
        val upcoming = prefs.get(SCHEDULE)?.let { json ->
            try {
                upcomingReminders(json, nowMs(), zone())
            } catch (e: CompanionException) {
                // A schedule that cannot be read arms nothing; the app sends a new one when opened.
                prefs.put(SCHEDULE, null)
                emptyList()
            }
        } ?: emptyList()
        replaceGroup(REMINDERS, upcoming)
    }

    /** A surf session's notifications: cancel the group's earlier ones, arm the new ones. */
    fun surf(plan: NotificationPlan) {
        replaceGroup(GROUP_PREFIX + plan.group, plan.upcoming)
    }

    private fun replaceGroup(group: String, upcoming: List<ScheduledNotification>) {
        val armed = prefs.get(group)?.split(SEPARATOR)?.filter { it.isNotEmpty() } ?: emptyList()
        val keep = upcoming.map { it.key }.toSet()
        armed.filter { it !in keep }.forEach { alarms.cancel(it) }
        upcoming.forEach { alarms.set(it) }
        prefs.put(group, keep.joinToString(SEPARATOR).ifEmpty { null })
    }

    companion object {
        const val SCHEDULE = "reminder-schedule"
        const val REMINDERS = "armed-reminders"
        const val GROUP_PREFIX = "armed-"
        private const val SEPARATOR = ","
    }
}
