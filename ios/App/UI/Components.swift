// Shared pieces every screen renders (as Android's Components.kt): the 0-10 scale, chips, the
// notice, a series as bars or a line, the weekday-by-hour grid, a contact card, a setting's
// switch, passphrase fields. Rendering only.
import Companion
import SwiftUI

struct ScreenColumn<Content: View>: View {
    @ViewBuilder let content: () -> Content
    var body: some View {
        ScrollView { VStack(alignment: .leading, spacing: 8) { content() }.padding() }
    }
}

struct Heading: View {
    let text: String
    init(_ text: String) { self.text = text }
    var body: some View { Text(text).font(.title3).bold() }
}

struct Paragraph: View {
    let text: String
    init(_ text: String) { self.text = text }
    var body: some View { Text(text).font(.body) }
}

struct Hint: View {
    let text: String
    init(_ text: String) { self.text = text }
    var body: some View { Text(text).font(.footnote).foregroundStyle(.secondary) }
}

struct ActionButton: View {
    let label: String
    let action: () -> Void
    init(_ label: String, action: @escaping () -> Void) { self.label = label; self.action = action }
    var body: some View { Button(label, action: action).buttonStyle(.borderedProminent).frame(maxWidth: .infinity) }
}

struct SecondaryButton: View {
    let label: String
    let action: () -> Void
    init(_ label: String, action: @escaping () -> Void) { self.label = label; self.action = action }
    var body: some View { Button(label, action: action).buttonStyle(.bordered).frame(maxWidth: .infinity) }
}

struct NoticeBanner: View {
    let notice: Notice
    let dismiss: () -> Void
    var body: some View {
        HStack {
            Text(notice.text)
            Spacer()
            Button("OK", action: dismiss)
        }
        .padding()
        .background(colour)
    }

    private var colour: Color {
        switch notice.kind {
        case .saved: return .green.opacity(0.2)
        case .info: return .blue.opacity(0.15)
        case .problem: return .red.opacity(0.2)
        }
    }
}

struct Scale: View {
    let choices: [ScaleChoice]
    let pick: (UInt8) -> Void
    var body: some View {
        VStack(alignment: .leading) {
            LazyVGrid(columns: Array(repeating: GridItem(.flexible()), count: 6)) {
                ForEach(choices, id: \.value) { c in
                    Button(c.label) { pick(c.value) }.buttonStyle(.bordered).tint(c.selected ? .accentColor : .gray)
                }
            }
            HStack { Hint(choices.first?.anchor ?? ""); Spacer(); Hint(choices.last?.anchor ?? "") }
        }
    }
}

struct Chips: View {
    let chips: [Chip]
    let toggle: (String) -> Void
    var body: some View {
        LazyVGrid(columns: [GridItem(.adaptive(minimum: 110))], alignment: .leading) {
            ForEach(chips, id: \.label) { c in
                Button(c.label) { toggle(c.label) }.buttonStyle(.bordered).tint(c.selected ? .accentColor : .gray)
            }
        }
    }
}

/// A one-line field with a button that sends what was typed and clears it.
struct Entry: View {
    let label: String
    let button: String
    let submit: (String) -> Void
    @State private var text = ""
    var body: some View {
        HStack {
            TextField(label, text: $text).textFieldStyle(.roundedBorder)
            Button(button) { submit(text); text = "" }
        }
    }
}

/// A passphrase typed twice, sent as UTF-8 bytes; the fields are cleared at once.
struct PassphrasePair: View {
    let label: String
    let again: String
    let button: String
    let submit: (Data, Data) -> Void
    @State private var first = ""
    @State private var second = ""
    var body: some View {
        SecureField(label, text: $first).textFieldStyle(.roundedBorder)
        SecureField(again, text: $second).textFieldStyle(.roundedBorder)
        ActionButton(button) {
            submit(Data(first.utf8), Data(second.utf8))
            first = ""
            second = ""
        }
    }
}

struct SettingSwitch: View {
    let toggle: Companion.Toggle
    let change: (Bool) -> Void
    var body: some View {
        SwiftUI.Toggle(isOn: Binding(get: { toggle.on }, set: change)) {
            VStack(alignment: .leading) { Text(toggle.label); Hint(toggle.detail) }
        }
        .disabled(!toggle.enabled)
    }
}

struct ContactCardView: View {
    let card: ContactCard
    let act: (ContactKind) -> Void
    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(card.name).font(.headline)
            if let how = card.how { Hint(how) }
            Hint("\(card.status) · \(card.hours)")
            HStack {
                ForEach(card.buttons, id: \.label) { b in Button(b.label) { act(b.kind) }.buttonStyle(.bordered) }
            }
        }
        .padding()
        .background(RoundedRectangle(cornerRadius: 8).stroke(.gray.opacity(0.3)))
    }
}

/// A series drawn as it comes: bars or a line from 0 to y_max; a missing value breaks a line.
struct SeriesChart: View {
    let series: Series
    var body: some View {
        VStack(alignment: .leading) {
            Text(series.title).font(.headline)
            Canvas { ctx, size in
                let n = CGFloat(max(series.points.count, 1))
                let step = size.width / n
                func y(_ v: Double) -> CGFloat { size.height - CGFloat(v / series.yMax) * size.height }
                var path = Path()
                var drawing = false
                let lastX = max(series.points.last?.x ?? 1, 1)
                for (i, p) in series.points.enumerated() {
                    guard let v = p.y else { drawing = false; continue }
                    switch series.style {
                    case .bars:
                        ctx.fill(Path(CGRect(x: CGFloat(i) * step + step * 0.15, y: y(v), width: step * 0.7, height: size.height - y(v))), with: .color(.accentColor))
                    case .line:
                        let point = CGPoint(x: CGFloat(p.x / lastX) * size.width, y: y(v))
                        if drawing { path.addLine(to: point) } else { path.move(to: point) }
                        drawing = true
                    }
                }
                ctx.stroke(path, with: .color(.accentColor), lineWidth: 2)
            }
            .frame(height: 140)
            .accessibilityLabel(series.summary)
            Hint(series.summary)
        }
    }
}

struct HeatmapView: View {
    let map: Heatmap
    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(map.title).font(.headline)
            ForEach(map.rows, id: \.label) { row in
                HStack(spacing: 1) {
                    Text(row.label).font(.caption2).frame(width: 34, alignment: .leading)
                    ForEach(Array(row.cells.enumerated()), id: \.offset) { _, count in
                        Rectangle()
                            .fill(Color.teal.opacity(map.max == 0 ? 0.08 : 0.08 + 0.92 * Double(count) / Double(map.max)))
                            .frame(width: 10, height: 10)
                    }
                }
            }
            Hint(map.summary)
        }
    }
}

/// The crisis step: its words, people reachable now, crisis lines, the emergency number.
struct CrisisCard: View {
    let crisis: CrisisView
    let send: Send
    var close: (() -> Void)?
    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Paragraph(crisis.message)
            ForEach(crisis.peopleNow + crisis.contacts, id: \.id) { c in
                ContactCardView(card: c) { kind in send(.contact(contactId: c.id, kind: kind)) }
            }
            Hint(crisis.emergencyText)
            ActionButton(crisis.callEmergencyLabel) { send(.callEmergency) }
            Paragraph(crisis.notAnEmergencyService)
            if let close { SecondaryButton(crisis.closeLabel, action: close) }
        }
        .padding()
        .background(RoundedRectangle(cornerRadius: 8).stroke(.red.opacity(0.4)))
    }
}

/// Next steps in the core's order, each with its crisis step, contacts or button.
struct NextStepCards: View {
    let cards: [NextStepCard]
    let send: Send
    let act: (NextStepAction) -> Void
    var body: some View {
        ForEach(Array(cards.enumerated()), id: \.offset) { _, card in
            if let crisis = card.crisis {
                CrisisCard(crisis: crisis, send: send)
            } else {
                Paragraph(card.text)
                if let detail = card.detail { Hint(detail) }
                ForEach(card.contacts, id: \.id) { c in
                    ContactCardView(card: c) { kind in send(.contact(contactId: c.id, kind: kind)) }
                }
                if let action = card.action { ActionButton(card.actionLabel ?? card.text) { act(action) } }
            }
        }
    }
}
