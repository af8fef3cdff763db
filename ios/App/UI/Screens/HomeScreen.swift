// Home (as Android's HomeScreen.kt). Rendering only.
import Companion
import SwiftUI

struct HomeScreen: View {
    let v: HomeView
    let send: Send
    var body: some View {
        ScreenColumn {
            Heading(v.day)
            Paragraph(v.today)
            ActionButton(v.logUrgeLabel) { send(.open(route: .logUrge)) }
            ActionButton(v.helpNowLabel) { send(.open(route: .helpNow)) }
            if let s = v.surf {
                Paragraph(s.text)
                ProgressView(value: s.progress)
                SecondaryButton(s.actionLabel) { send(.home(action: .continueSurf)) }
            }
            ForEach(v.unfinished, id: \.slipId) { card in
                Paragraph(card.text)
                SecondaryButton(card.actionLabel) { send(.home(action: .continueAnalysis(slipId: card.slipId))) }
            }
            if let checkIn = v.checkIn { SecondaryButton(checkIn) { send(.open(route: .checkIn)) } }
            ForEach(v.progress, id: \.self) { Paragraph($0) }
            ForEach(v.menu, id: \.label) { entry in SecondaryButton(entry.label) { send(.open(route: entry.route)) } }
        }
    }
}
