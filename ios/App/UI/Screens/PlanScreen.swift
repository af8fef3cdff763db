// The plan (as Android's PlanScreen.kt): the search box sends every keystroke to the core.
// Rendering only.
import Companion
import SwiftUI

struct PlanScreen: View {
    let v: PlanView
    let send: Send
    var body: some View {
        let act: (PlanAction) -> Void = { send(.plan(action: $0)) }
        ScreenColumn {
            Heading(v.heading)
            TextField(v.searchLabel, text: Binding(get: { v.query }, set: { act(.search(text: $0)) }))
                .textFieldStyle(.roundedBorder)
            if let crisis = v.crisis { CrisisCard(crisis: crisis, send: send) }
            if let found = v.found { Found(found: found, act: act) }
            if let problem = v.problem { Paragraph(problem) }
            ForEach(v.sections, id: \.step) { section in
                Heading("\(section.step). \(section.title)")
                Hint(section.hint)
                if section.lines.isEmpty { Hint(section.emptyText) }
                ForEach(section.lines, id: \.id) { line in
                    if let card = line.contact {
                        ContactCardView(card: card) { kind in act(.contact(contactId: card.id, kind: kind)) }
                    } else {
                        HStack {
                            Paragraph(line.text)
                            Spacer()
                            if line.canUse { Button("Doing this now") { act(.useStrategy(strategyId: line.id)) } }
                            Button("Remove") { act(.remove(id: line.id)) }
                        }
                        if let detail = line.detail { Hint(detail) }
                    }
                }
                ForEach(section.adds, id: \.label) { AddLine(option: $0, act: act) }
            }
        }
    }
}

private struct Found: View {
    let found: LookupView
    let act: (PlanAction) -> Void
    var body: some View {
        if let matched = found.matched { Hint(matched) }
        if found.contactsFirst { contacts }
        ForEach(Array(found.strategies.enumerated()), id: \.offset) { _, s in
            if let id = s.id { SecondaryButton(s.text) { act(.useStrategy(strategyId: id)) } } else { Paragraph(s.text) }
            Hint([s.why, s.record].compactMap { $0 }.joined(separator: " · "))
        }
        if !found.contactsFirst { contacts }
        ForEach(found.reasons, id: \.self) { Paragraph($0) }
        if let empty = found.emptyText { Hint(empty) }
    }

    private var contacts: some View {
        ForEach(found.contacts, id: \.id) { c in ContactCardView(card: c) { kind in act(.contact(contactId: c.id, kind: kind)) } }
    }
}

private struct AddLine: View {
    let option: AddOption
    let act: (PlanAction) -> Void
    @State private var text = ""
    @State private var how = ""
    @State private var hours = ""
    var body: some View {
        TextField(option.placeholder, text: $text).textFieldStyle(.roundedBorder)
        if option.asksContact {
            TextField("How to reach them", text: $how).textFieldStyle(.roundedBorder)
            TextField("When (for example mon-fri 9-17)", text: $hours).textFieldStyle(.roundedBorder)
        }
        SecondaryButton(option.label) {
            act(.add(part: option.part, text: text, forItem: nil, how: how.isEmpty ? nil : how, hours: hours.isEmpty ? nil : hours))
            text = ""; how = ""; hours = ""
        }
    }
}
