// Background sync with BGTaskScheduler (as Android's SyncWorker.kt): an app refresh task that
// runs AppModel.backgroundSync, which syncs only while the journal is unlocked; nothing is
// lost when the task is cut short (the core keeps changes sealed until the server has them).
// The identifier is listed in Info.plist (BGTaskSchedulerPermittedIdentifiers).
import BackgroundTasks
import Companion
import Foundation

enum BackgroundSync {
    static let identifier = "app.companion.sync"

    static func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            schedule()
            let work = Thread {
                let ok = (try? model.backgroundSync()) != nil
                task.setTaskCompleted(success: ok)
            }
            task.expirationHandler = { work.cancel() }
            work.start()
        }
        schedule()
    }

    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }
}
