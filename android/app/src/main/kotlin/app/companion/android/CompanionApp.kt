// The Application: one CompanionRepository for the whole app, on the store in the app's
// no-backup directory (the encrypted backup is the client's own export). Locks the store when
// the app goes to the background, so the keys leave memory.
package app.companion.android

import android.app.Application
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ProcessLifecycleOwner
import app.companion.android.data.CompanionRepository
import kotlinx.coroutines.Dispatchers
import java.io.File

class CompanionApp : Application() {
    lateinit var repository: CompanionRepository
        private set

    override fun onCreate() {
        super.onCreate()
        repository = CompanionRepository(File(noBackupFilesDir, "companion.db").path, Dispatchers.IO)
        ProcessLifecycleOwner.get().lifecycle.addObserver(object : DefaultLifecycleObserver {
            override fun onStop(owner: LifecycleOwner) = repository.lock()
        })
    }
}
