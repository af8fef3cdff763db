// A slip and its chain analysis (as Android's SlipScreen.kt). Rendering only.
import Companion
import SwiftUI

struct SlipScreen: View {
    let v: SlipView
    let send: Send
    @State private var what = ""
    var body: some View {
        let act: (SlipAction) -> Void = { send(.slip(action: $0)) }
        ScreenColumn {
            switch v.stage {
            case .write:
                Heading(v.whatLabel)
                Hint(v.whatHint)
                TextField("", text: $what, axis: .vertical).textFieldStyle(.roundedBorder)
                ActionButton(v.nextLabel) { act(.write(what: what)) }
            case .chain:
                ForEach(v.progress, id: \.self) { Paragraph($0) }
                Paragraph(v.kindWords)
                Hint(v.stepLabel)
                Heading(v.question)
                Hint(v.hint)
                StepInput(v: v, act: act).id(v.stepLabel)
                SecondaryButton(v.skipLabel) { act(.skipStep) }
                SecondaryButton(v.laterLabel) { act(.later) }
            case .finished:
                Paragraph(v.kindWords)
                Paragraph(v.compassionPrompt)
                if !v.suggestions.isEmpty { Heading(v.suggestionsHeading) }
                ForEach(Array(v.suggestions.enumerated()), id: \.offset) { i, s in
                    Paragraph(s.text)
                    SecondaryButton(s.label) { act(.addToPlan(index: UInt32(i))) }
                }
                ActionButton(v.doneLabel) { act(.done) }
            }
        }
    }
}

private struct StepInput: View {
    let v: SlipView
    let act: (SlipAction) -> Void
    @State private var chosen: Set<VulnerabilityFactor> = []
    @State private var text = ""
    @State private var links: [NewChainLink] = []
    @State private var kind: LinkKind = .thought
    @State private var instead: [String] = []

    var body: some View {
        switch v.input {
        case .factors:
            ForEach(v.factors, id: \.label) { f in
                Button(f.label) { if chosen.contains(f.factor) { chosen.remove(f.factor) } else { chosen.insert(f.factor) } }
                    .buttonStyle(.bordered).tint(chosen.contains(f.factor) ? .accentColor : .gray)
            }
            TextField("", text: $text).textFieldStyle(.roundedBorder)
            ActionButton(v.nextLabel) {
                act(.answerFactors(factors: v.factors.map(\.factor).filter(chosen.contains), note: text.isEmpty ? nil : text))
            }
            .onAppear { chosen = Set(v.factors.filter(\.selected).map(\.factor)) }
        case .text:
            TextField("", text: $text, axis: .vertical).textFieldStyle(.roundedBorder).onAppear { text = v.answer }
            ActionButton(v.nextLabel) { act(.answerText(text: text)) }
        case .links:
            ForEach(Array(links.enumerated()), id: \.offset) { _, l in Paragraph(l.text) }
            ForEach(v.linkKinds, id: \.label) { k in
                Button(k.label) { kind = k.kind }.buttonStyle(.bordered).tint(kind == k.kind ? .accentColor : .gray)
            }
            Entry(label: "", button: "+") { links.append(NewChainLink(kind: kind, text: $0, instead: nil)) }
            ActionButton(v.nextLabel) { act(.answerLinks(links: links)) }
        case .alternatives:
            ForEach(Array(v.links.enumerated()), id: \.offset) { i, link in
                Hint("\(link.kindLabel): \(link.text)")
                if i < instead.count { TextField("", text: $instead[i]).textFieldStyle(.roundedBorder) }
            }
            .onAppear { instead = v.links.map { $0.instead ?? "" } }
            ActionButton(v.nextLabel) {
                let items = instead.enumerated().filter { !$0.element.isEmpty }
                    .map { LinkAlternative(link: UInt32($0.offset), instead: $0.element) }
                act(.answerAlternatives(items: items))
            }
        }
    }
}
