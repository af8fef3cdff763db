// The shell's only moving part, as on Android (app/AppController.kt): sends what the person did
// to the core's app model one event at a time off the main thread, publishes the view, asks
// again when the view says so, and hands every effect to the platform. It decides nothing.
import Companion
import Foundation

@MainActor
final class AppController: ObservableObject {
    @Published private(set) var view: AppView?

    private let model: AppModel
    private let platform: PlatformActions
    private let queue = DispatchQueue(label: "app.companion.model")
    private var refreshTask: Task<Void, Never>?
    private var lockTask: Task<Void, Never>?

    init(model: AppModel, platform: PlatformActions) {
        self.model = model
        self.platform = platform
    }

    func send(_ event: Event) {
        let model = self.model
        queue.async {
            let effects = model.send(event: event)
            let view = model.view()
            Task { @MainActor in
                effects.forEach(self.carryOut)
                self.publish(view)
            }
        }
    }

    func refresh() {
        let model = self.model
        queue.async {
            let view = model.view()
            Task { @MainActor in self.publish(view) }
        }
    }

    private func publish(_ view: AppView) {
        self.view = view
        refreshTask?.cancel()
        if let after = view.refreshAfterMs {
            refreshTask = Task {
                try? await Task.sleep(nanoseconds: UInt64(after) * 1_000_000)
                if !Task.isCancelled { self.refresh() }
            }
        }
    }

    private func carryOut(_ effect: Effect) {
        switch effect {
        case let .lockAfter(ms):
            lockTask?.cancel()
            lockTask = Task {
                try? await Task.sleep(nanoseconds: ms * 1_000_000)
                if !Task.isCancelled { self.send(.lockTimerFired) }
            }
        case let .authenticate(purpose, title, subtitle, cancel):
            platform.authenticate(purpose: purpose, title: title, subtitle: subtitle, cancel: cancel)
        case .forgetDeviceKey: platform.forgetDeviceKey()
        case let .dial(number): platform.dial(number)
        case let .message(number): platform.message(number)
        case let .notifications(plan): platform.notifications(plan)
        case let .reminders(schedule): platform.reminders(schedule)
        case let .saveFile(name, mime, bytes): platform.saveFile(name: name, mime: mime, bytes: bytes)
        case let .pickFile(mime): platform.pickFile(mime: mime)
        case .scanCode: platform.scanCode()
        case let .appIdentity(discreet, name): platform.appIdentity(discreet: discreet, name: name)
        case .syncSoon: platform.syncSoon()
        case .leaveApp: platform.leaveApp()
        }
    }
}
