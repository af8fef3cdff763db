// Carries out the core's notification schedules with UNUserNotificationCenter (as Android's
// notify/ReminderPlanner.kt). Standing reminders become repeating calendar triggers at the
// rule's local time and weekdays: iOS keeps them across reboots and fires them at that wall
// time in whatever zone the phone is, which is what the core's schedule means. A surf
// session's notifications are one-off triggers at the instants the core gave. Titles and
// bodies are the core's (neutral by default).
import Companion
import UserNotifications

final class ReminderPlanner {
    private let center = UNUserNotificationCenter.current()
    private static let reminderPrefix = "reminder-"

    func replace(_ schedule: ReminderSchedule) {
        center.requestAuthorization(options: [.alert, .sound]) { _, _ in }
        center.getPendingNotificationRequests { pending in
            let old = pending.map(\.identifier).filter { $0.hasPrefix(Self.reminderPrefix) }
            self.center.removePendingNotificationRequests(withIdentifiers: old)
            for rule in schedule.rules {
                for weekday in Self.weekdays(rule.days) {
                    var when = DateComponents()
                    when.hour = Int(rule.minuteOfDay / 60)
                    when.minute = Int(rule.minuteOfDay % 60)
                    when.weekday = weekday
                    let trigger = UNCalendarNotificationTrigger(dateMatching: when, repeats: true)
                    let id = "\(Self.reminderPrefix)\(rule.key)-\(weekday)"
                    self.center.add(UNNotificationRequest(identifier: id, content: Self.content(rule.title, rule.body), trigger: trigger))
                }
            }
        }
    }

    func surf(_ plan: NotificationPlan) {
        let prefix = plan.group + "-"
        center.getPendingNotificationRequests { pending in
            self.center.removePendingNotificationRequests(withIdentifiers: pending.map(\.identifier).filter { $0.hasPrefix(prefix) })
            for n in plan.upcoming {
                let seconds = Double(n.atUtcMs) / 1000 - Date().timeIntervalSince1970
                guard seconds > 0 else { continue }
                let trigger = UNTimeIntervalNotificationTrigger(timeInterval: seconds, repeats: false)
                self.center.add(UNNotificationRequest(identifier: n.key, content: Self.content(n.title, n.body), trigger: trigger))
            }
        }
    }

    /// The rule's day bits (Monday bit 0 ... Sunday bit 6) as Calendar weekdays (Sunday 1).
    private static func weekdays(_ days: UInt8) -> [Int] {
        (0..<7).filter { days & (1 << $0) != 0 }.map { ($0 + 1) % 7 + 1 }
    }

    private static func content(_ title: String, _ body: String) -> UNNotificationContent {
        let c = UNMutableNotificationContent()
        c.title = title
        c.body = body
        c.sound = .default
        return c
    }
}
