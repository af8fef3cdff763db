// The frame around every screen (as Android's AppScreen.kt): the title, back, the quick exit,
// the notice, the crisis step over everything when the core shows one, and the screen the
// core says is on top. Rendering only.
import Companion
import SwiftUI

typealias Send = (Event) -> Void

struct AppScreen: View {
    @ObservedObject var controller: AppController

    var body: some View {
        if let view = controller.view {
            let send: Send = { controller.send($0) }
            NavigationStack {
                VStack(spacing: 0) {
                    if let notice = view.notice { NoticeBanner(notice: notice) { send(.dismissNotice) } }
                    if let crisis = view.crisis {
                        ScreenColumn { CrisisCard(crisis: crisis, send: send) { send(.closeCrisis) } }
                    } else {
                        screen(view.screen, send)
                    }
                }
                .navigationTitle(view.title)
                .navigationBarTitleDisplayMode(.inline)
                .toolbar {
                    if view.canGoBack {
                        ToolbarItem(placement: .navigationBarLeading) { Button("Back") { send(.back) } }
                    }
                    if let exit = view.quickExit {
                        ToolbarItem(placement: .navigationBarTrailing) { Button(exit) { send(.quickExit) } }
                    }
                }
            }
        }
    }

    @ViewBuilder
    private func screen(_ screen: ScreenView, _ send: @escaping Send) -> some View {
        switch screen {
        case let .firstRun(v): FirstRunScreen(v: v, send: send)
        case let .locked(v): LockScreen(v: v, send: send)
        case let .neutral(v): NeutralScreen(v: v, send: send)
        case let .home(v): HomeScreen(v: v, send: send)
        case let .logUrge(v): LogUrgeScreen(v: v, send: send)
        case let .surf(v): SurfScreen(v: v, send: send)
        case let .exercises(v): ExercisesScreen(v: v, send: send)
        case let .plan(v): PlanScreen(v: v, send: send)
        case let .slip(v): SlipScreen(v: v, send: send)
        case let .checkIn(v): CheckInScreen(v: v, send: send)
        case let .goals(v): GoalsScreen(v: v, send: send)
        case let .insights(v): InsightsScreen(v: v, send: send)
        case let .sharing(v): SharingScreen(v: v, send: send)
        case let .backup(v): BackupScreen(v: v, send: send)
        case let .settings(v): SettingsScreen(v: v, send: send)
        case let .unavailable(text): ScreenColumn { Paragraph(text) }
        }
    }
}
