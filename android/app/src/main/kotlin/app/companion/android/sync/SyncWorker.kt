// Background sync with WorkManager: every few hours while there is a network, and soon after
// a consent changes. It runs only while the journal is unlocked (AppModel.backgroundSync says
// Locked otherwise: the keys are in memory only then), and loses nothing when cut short: the
// core keeps changes sealed until the server has them. Android-only: not compiled on the JVM.
package app.companion.android.sync

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import app.companion.BackgroundSync
import app.companion.CompanionException
import app.companion.android.CompanionApp
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val model = (applicationContext as CompanionApp).model
        return try {
            when (withContext(Dispatchers.IO) { model.backgroundSync() }) {
                is BackgroundSync.Locked -> Result.success()
                is BackgroundSync.NothingShared -> Result.success()
                is BackgroundSync.Synced -> Result.success()
            }
        } catch (e: CompanionException.Offline) {
            Result.retry()
        } catch (e: CompanionException) {
            Result.failure()
        }
    }

    companion object {
        private val online = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

        fun schedulePeriodic(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(6, TimeUnit.HOURS).setConstraints(online).build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork("sync", ExistingPeriodicWorkPolicy.KEEP, request)
        }

        fun runSoon(context: Context) {
            val request = OneTimeWorkRequestBuilder<SyncWorker>().setConstraints(online).build()
            WorkManager.getInstance(context).enqueueUniqueWork("sync-soon", ExistingWorkPolicy.REPLACE, request)
        }
    }
}
