// Surf the urge (as Android's SurfScreen.kt). Rendering only.
import Companion
import SwiftUI

struct SurfScreen: View {
    let v: SurfView
    let send: Send
    var body: some View {
        let act: (SurfAction) -> Void = { send(.surf(action: $0)) }
        ScreenColumn {
            Paragraph(v.guidance)
            switch v.stage {
            case .start:
                Heading(v.question)
                Scale(choices: v.scale) { act(.start(intensity: $0)) }
                SecondaryButton(v.doneLabel) { act(.done) }
            case .live:
                Heading("\(v.elapsed) / \(v.length)")
                ProgressView(value: v.progress)
                Paragraph(v.stateText)
                if v.promptDue { Heading(v.question) } else { Paragraph(v.question) }
                Scale(choices: v.scale) { act(.rate(intensity: $0)) }
                SeriesChart(series: v.wave)
                if v.canPause { SecondaryButton(v.pauseLabel) { act(.pause) } }
                if v.canResume { SecondaryButton(v.resumeLabel) { act(.resume) } }
                Heading(v.endQuestion)
                ForEach(v.endings, id: \.label) { e in SecondaryButton(e.label) { act(.end(outcome: e.outcome)) } }
            case .ended:
                SeriesChart(series: v.wave)
                ForEach(v.summary, id: \.self) { Paragraph($0) }
                if !v.nextMessage.isEmpty { Paragraph(v.nextMessage) }
                NextStepCards(cards: v.nextSteps, send: send) { act(.next(action: $0)) }
                ActionButton(v.doneLabel) { act(.done) }
            }
        }
    }
}
