// The app model's effects carried out on iOS, each forwarded as it is (as Android's
// AndroidPlatform.kt): Face ID / Touch ID with LocalAuthentication (the evaluated context goes
// to the Keychain provider), the phone and messages (tel:, sms:), notifications
// (ReminderPlanner over UNUserNotificationCenter), the file exporter and importer, the code
// scanner, the alternate app icon, a background sync, and the quick exit.
import Companion
import LocalAuthentication
import SwiftUI
import UIKit

@MainActor
final class IOSPlatform: ObservableObject, PlatformActions {
    weak var controller: AppController?
    @Published var fileToSave: SavedFile?
    @Published var picking = false
    @Published var scanning = false

    private let model: AppModel
    private let keys: KeychainKeyProvider
    private let planner = ReminderPlanner()

    init(model: AppModel, keys: KeychainKeyProvider) {
        self.model = model
        self.keys = keys
    }

    func authenticate(purpose: AuthPurpose, title: String, subtitle: String, cancel: String) {
        let context = LAContext()
        context.localizedCancelTitle = cancel
        context.touchIDAuthenticationAllowableReuseDuration = 30
        context.evaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, localizedReason: subtitle) { ok, error in
            Task { @MainActor in
                if ok {
                    self.keys.authenticated(context)
                    self.controller?.send(.authenticated)
                } else {
                    let code = (error as? LAError)?.code
                    let cancelled = code == .userCancel || code == .appCancel || code == .systemCancel || code == .userFallback
                    self.controller?.send(.authenticationFailed(cancelled: cancelled))
                }
            }
        }
    }

    func forgetDeviceKey() {
        try? keys.deleteWrappingKey()
    }

    func dial(_ number: String) {
        if let url = URL(string: "tel:\(number)") { UIApplication.shared.open(url) }
    }

    func message(_ number: String) {
        if let url = URL(string: "sms:\(number)") { UIApplication.shared.open(url) }
    }

    func notifications(_ plan: NotificationPlan) { planner.surf(plan) }

    func reminders(_ schedule: ReminderSchedule) { planner.replace(schedule) }

    func saveFile(name: String, mime: String, bytes: Data) { fileToSave = SavedFile(name: name, bytes: bytes) }

    func pickFile(mime: String) { picking = true }

    func scanCode() { scanning = true }

    func appIdentity(discreet: Bool, name: String) {
        // The primary icon is the discreet one; the app's own is an alternate icon.
        let wanted: String? = discreet ? nil : "CompanionIcon"
        if UIApplication.shared.supportsAlternateIcons, UIApplication.shared.alternateIconName != wanted {
            UIApplication.shared.setAlternateIconName(wanted)
        }
    }

    func syncSoon() { BackgroundSync.schedule() }

    /// iOS has no way to leave an app programmatically: the neutral screen stays on top.
    func leaveApp() {}

    func timeZoneChanged() {
        try? model.core().setTimeZone(zone: TimeZone.current.identifier)
    }
}

struct SavedFile: Identifiable {
    let id = UUID()
    let name: String
    let bytes: Data
}
