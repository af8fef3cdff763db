// Exercises and the player (as Android's ExercisesScreen.kt): the circle is as full as the
// core's breath level. Rendering only.
import Companion
import SwiftUI

struct ExercisesScreen: View {
    let v: ExercisesView
    let send: Send
    var body: some View {
        let act: (ExercisesAction) -> Void = { send(.exercises(action: $0)) }
        ScreenColumn {
            switch v.stage {
            case .library:
                ForEach(v.items, id: \.key) { item in
                    SecondaryButton("\(item.title) · \(item.length)") { act(.choose(key: item.key)) }
                    Hint("\(item.group): \(item.summary)")
                }
            case .before:
                Heading(v.question)
                Scale(choices: v.scale) { act(.begin(distress: $0)) }
                SecondaryButton(v.skipLabel) { act(.begin(distress: nil)) }
            case .playing:
                if let p = v.player {
                    Heading(p.title)
                    Heading(p.cue)
                    Circle().fill(Color.accentColor.opacity(0.4))
                        .frame(width: 60 + 120 * CGFloat(p.breath), height: 60 + 120 * CGFloat(p.breath))
                        .frame(maxWidth: .infinity, minHeight: 190)
                    Paragraph(p.text)
                    if let round = p.round { Hint(round) }
                    ProgressView(value: p.overall)
                    Hint(p.remaining)
                    if p.paused { SecondaryButton(v.resumeLabel) { act(.resume) } } else { SecondaryButton(v.pauseLabel) { act(.pause) } }
                    SecondaryButton(v.nextStepLabel) { act(.nextStep) }
                    SecondaryButton(v.stopLabel) { act(.stop) }
                }
            case .after:
                Heading(v.question)
                Scale(choices: v.scale) { act(.finish(distress: $0)) }
                SecondaryButton(v.skipLabel) { act(.finish(distress: nil)) }
            case .saved:
                ForEach(v.result, id: \.self) { Paragraph($0) }
                ActionButton(v.doneLabel) { act(.done) }
            }
        }
    }
}
