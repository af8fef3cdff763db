// The Application: one AppModel (the core's app, over the store in the no-backup directory)
// and one AppController for the whole process. Reports going to the background and coming
// back (the core decides when to lock), the time zone (the core dates entries by it), and
// schedules the periodic background sync. Android-only: not compiled on the JVM.
package app.companion.android

import android.app.Application
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ProcessLifecycleOwner
import app.companion.AppModel
import app.companion.android.app.AppController
import app.companion.android.keys.AndroidKeystoreKey
import app.companion.android.notify.AndroidAlarms
import app.companion.android.notify.ReminderPlanner
import app.companion.android.platform.AndroidPlatform
import app.companion.android.platform.DeviceFacts
import app.companion.android.sync.HttpSyncTransport
import app.companion.android.sync.SyncWorker
import app.companion.core.Event
import java.io.File
import java.util.TimeZone
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob

class CompanionApp : Application() {
    lateinit var model: AppModel
        private set
    lateinit var controller: AppController
        private set
    lateinit var platform: AndroidPlatform
        private set
    lateinit var reminders: ReminderPlanner
        private set

    override fun onCreate() {
        super.onCreate()
        AndroidAlarms.createChannels(this)
        reminders = AndroidAlarms.planner(this)
        model = AppModel(
            File(noBackupFilesDir, "companion.db").path,
            DeviceFacts.platform(this),
            AndroidKeystoreKey.provider(),
            HttpSyncTransport(),
        )
        runCatching { model.core().setTimeZone(TimeZone.getDefault().id) }
        platform = AndroidPlatform(this, reminders)
        controller = AppController(model, platform, Dispatchers.IO, CoroutineScope(SupervisorJob() + Dispatchers.Main))
        ProcessLifecycleOwner.get().lifecycle.addObserver(object : DefaultLifecycleObserver {
            override fun onStart(owner: LifecycleOwner) = controller.send(Event.CameToForeground)
            override fun onStop(owner: LifecycleOwner) = controller.send(Event.WentToBackground)
        })
        SyncWorker.schedulePeriodic(this)
    }
}
