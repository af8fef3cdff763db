// Log an urge (as Android's LogUrgeScreen.kt). Rendering only.
import Companion
import SwiftUI

struct LogUrgeScreen: View {
    let v: LogUrgeView
    let send: Send
    @State private var note = ""

    var body: some View {
        let act: (LogUrgeAction) -> Void = { send(.logUrge(action: $0)) }
        ScreenColumn {
            Heading(v.question)
            Scale(choices: v.scale) { act(.intensity(value: $0)) }
            if v.stage == .saved {
                if let saved = v.savedText { Paragraph(saved) }
                if !v.nextMessage.isEmpty { Heading(v.nextMessage) }
                NextStepCards(cards: v.nextSteps, send: send) { act(.next(action: $0)) }
                Paragraph(v.triggersLabel)
                Chips(chips: v.triggers) { act(.toggleTrigger(label: $0)) }
                Entry(label: v.addHint, button: "+") { act(.addTrigger(text: $0)) }
                Paragraph(v.feelingsLabel)
                Chips(chips: v.feelings) { act(.toggleFeeling(label: $0)) }
                Entry(label: v.addHint, button: "+") { act(.addFeeling(text: $0)) }
                HStack {
                    ForEach(v.company, id: \.label) { c in
                        Button(c.label) { act(.setCompany(company: c.selected ? nil : c.value)) }
                            .buttonStyle(.bordered).tint(c.selected ? .accentColor : .gray)
                    }
                }
                TextField(v.noteLabel, text: $note).textFieldStyle(.roundedBorder).onAppear { note = v.note }
                SecondaryButton(v.saveDetailsLabel) { act(.saveDetails(note: note)) }
                SecondaryButton(v.doneLabel) { act(.done) }
            }
        }
    }
}
