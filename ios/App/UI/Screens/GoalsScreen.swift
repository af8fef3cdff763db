// Goals (as Android's GoalsScreen.kt). Rendering only.
import Companion
import SwiftUI

struct GoalsScreen: View {
    let v: GoalsView
    let send: Send
    @State private var chosen: GoalTemplate?
    var body: some View {
        let act: (GoalsAction) -> Void = { send(.goals(action: $0)) }
        ScreenColumn {
            switch v.stage {
            case .list:
                if let empty = v.emptyText { Paragraph(empty) }
                ForEach(v.goals, id: \.id) { g in
                    Heading(g.text)
                    if let why = g.why { Hint(why) }
                    ProgressView(value: Double(g.percent) / 100)
                    Paragraph(g.progressText)
                    Hint(g.stateText)
                    if g.countedByHand {
                        SecondaryButton(v.addProgressLabel) { act(.addProgress(goalId: g.id, amount: 1)) }
                        SecondaryButton(v.undoLabel) { act(.undoProgress(goalId: g.id)) }
                    }
                    SecondaryButton(v.archiveLabel) { act(.archive(goalId: g.id)) }
                }
                ActionButton(v.newLabel) { act(.startNew) }
            case .new:
                ForEach(v.templates, id: \.label) { t in
                    Button(t.label) { chosen = t }.buttonStyle(.bordered).tint(chosen == t ? .accentColor : .gray)
                }
                if let t = chosen { NewGoal(t: t, v: v, act: act).id(t.label) }
            }
        }
    }
}

private struct NewGoal: View {
    let t: GoalTemplate
    let v: GoalsView
    let act: (GoalsAction) -> Void
    @State private var text = ""
    @State private var why = ""
    @State private var target = ""
    @State private var unit = ""
    @State private var span: GoalSpan = .thisWeek
    var body: some View {
        TextField("", text: $text).textFieldStyle(.roundedBorder)
        TextField("Why it matters (optional)", text: $why).textFieldStyle(.roundedBorder)
        TextField("How many", text: $target).keyboardType(.numberPad).textFieldStyle(.roundedBorder)
        if t.asksUnit { TextField("What you count", text: $unit).textFieldStyle(.roundedBorder) }
        ForEach(v.spans, id: \.label) { s in
            Button(s.label) { span = s.span }.buttonStyle(.bordered).tint(span == s.span ? .accentColor : .gray)
        }
        ActionButton(v.createLabel) {
            act(.create(kind: t.kind, text: text, why: why.isEmpty ? nil : why, target: UInt32(target) ?? 0, span: span,
                        unit: unit.isEmpty ? nil : unit))
        }
        .onAppear { text = t.text; target = String(t.target); span = t.span }
    }
}
