// The daily check-in (as Android's CheckInScreen.kt). Rendering only.
import Companion
import SwiftUI

struct CheckInScreen: View {
    let v: CheckInView
    let send: Send
    @State private var note = ""
    var body: some View {
        let act: (CheckInAction) -> Void = { send(.checkIn(action: $0)) }
        ScreenColumn {
            Heading(v.day)
            if let earlier = v.earlier { Hint(earlier) }
            ForEach(v.measures, id: \.question) { m in
                Paragraph(m.question)
                Scale(choices: m.scale) { act(.rate(measure: m.measure, value: $0)) }
            }
            if let words = v.earlierWords { Hint(words) }
            TextField(v.noteLabel, text: $note, axis: .vertical).textFieldStyle(.roundedBorder)
            ActionButton(v.saveLabel) { act(.save(note: note)); note = "" }
            if let saved = v.savedText { Paragraph(saved) }
            SecondaryButton(v.doneLabel) { act(.done) }
        }
    }
}
