// What the platform does for the app model's effects, one method each (as Android's
// app/PlatformActions.kt). IOSPlatform carries them out.
import Companion
import Foundation

@MainActor
protocol PlatformActions: AnyObject {
    func authenticate(purpose: AuthPurpose, title: String, subtitle: String, cancel: String)
    func forgetDeviceKey()
    func dial(_ number: String)
    func message(_ number: String)
    func notifications(_ plan: NotificationPlan)
    func reminders(_ schedule: ReminderSchedule)
    func saveFile(name: String, mime: String, bytes: Data)
    func pickFile(mime: String)
    func scanCode()
    func appIdentity(discreet: Bool, name: String)
    func syncSoon()
    func leaveApp()
}
