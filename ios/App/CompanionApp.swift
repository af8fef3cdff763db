// The app: one AppModel over the store in Application Support (excluded from iCloud backup,
// complete file protection until first unlock), one AppController; scene phases reported to
// the core (it decides when to lock); the privacy cover whenever the app is not active; the
// background sync task registered at launch.
import Companion
import SwiftUI

@main
struct CompanionApp: App {
    @Environment(\.scenePhase) private var phase
    @StateObject private var controller: AppController
    @StateObject private var platform: IOSPlatform

    init() {
        let keys = KeychainKeyProvider()
        let path = Storage.storePath()
        let model = AppModel(
            path: path, platform: DeviceFacts.platform(keys: keys), keyProvider: keys, transport: URLSessionTransport()
        )
        try? model.core().setTimeZone(zone: TimeZone.current.identifier)
        let platform = IOSPlatform(model: model, keys: keys)
        _platform = StateObject(wrappedValue: platform)
        let controller = AppController(model: model, platform: platform)
        platform.controller = controller
        _controller = StateObject(wrappedValue: controller)
        BackgroundSync.register(model: model)
    }

    var body: some Scene {
        WindowGroup {
            RootView(controller: controller, platform: platform, covered: phase != .active)
                .onAppear { controller.send(.started) }
                .onReceive(NotificationCenter.default.publisher(for: .NSSystemTimeZoneDidChange)) { _ in
                    platform.timeZoneChanged()
                }
        }
        .onChange(of: phase) { new in
            switch new {
            case .background: controller.send(.wentToBackground)
            case .active: controller.send(.cameToForeground)
            default: break
            }
        }
    }
}

enum Storage {
    /// The store file, in Application Support, kept out of iCloud and iTunes backups.
    static func storePath() -> String {
        let fm = FileManager.default
        var dir = (try? fm.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true))
            ?? fm.temporaryDirectory
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? dir.setResourceValues(values)
        try? fm.setAttributes([.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication], ofItemAtPath: dir.path)
        return dir.appendingPathComponent("companion.db").path
    }
}
