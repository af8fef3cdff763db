// Sharing (as Android's SharingScreen.kt): pair (paste or scan, then compare the code out
// loud), choose, preview, consent, stop, receipts. Rendering only.
import Companion
import SwiftUI

struct SharingScreen: View {
    let v: SharingView
    let send: Send
    @State private var invite = ""
    var body: some View {
        let act: (SharingAction) -> Void = { send(.sharing(action: $0)) }
        ScreenColumn {
            switch v.stage {
            case .overview:
                Paragraph(v.intro)
                ForEach(v.unreadable, id: \.self) { Hint($0) }
                ForEach(v.pairings, id: \.pairingId) { p in
                    Heading(p.name)
                    Hint(p.detail)
                    ForEach(p.shares, id: \.self) { Paragraph($0) }
                    ForEach(p.suggestions, id: \.self) { Hint($0) }
                    SecondaryButton(p.shareLabel) { act(.choose(pairingId: p.pairingId)) }
                    SecondaryButton(p.stopLabel) { act(.stopSharing(pairingId: p.pairingId)) }
                }
                ActionButton(v.pairLabel) { act(.startPairing) }
                if !v.pairings.isEmpty { SecondaryButton(v.syncLabel) { act(.syncNow) } }
                SecondaryButton(v.receiptsLabel) { act(.showReceipts) }
            case .enterInvite:
                ActionButton(v.scanLabel) { act(.scan) }
                TextField(v.inviteLabel, text: $invite).textFieldStyle(.roundedBorder)
                SecondaryButton(v.inviteNextLabel) { act(.inviteEntered(text: invite)) }
            case .compareCode:
                Heading(v.clinician)
                Heading(v.code).font(.system(.title2, design: .monospaced))
                Paragraph(v.compareText)
                ActionButton(v.matchesLabel) { act(.codesMatch) }
                SecondaryButton(v.differsLabel) { act(.codesDiffer) }
            case .choose:
                ForEach(v.categories, id: \.label) { c in
                    Button(c.label) { act(.toggle(category: c.category)) }.buttonStyle(.bordered).tint(c.selected ? .accentColor : .gray)
                    Hint(c.wording)
                }
                SwiftUI.Toggle(v.historyLabel, isOn: Binding(get: { v.includeHistory }, set: { act(.includeHistory(include: $0)) }))
                ActionButton(v.previewLabel) { act(.preview) }
            case .preview:
                ForEach(v.preview, id: \.title) { p in
                    Heading(p.title)
                    Paragraph(p.wording)
                    Hint(p.count)
                    Text(p.content).font(.system(.footnote, design: .monospaced))
                    ForEach(p.neverSent, id: \.self) { Hint("Never sent: \($0)") }
                }
                ActionButton(v.consentLabel) { act(.consent) }
            case .receipts:
                ForEach(v.receipts, id: \.self) { Paragraph($0) }
                ForEach(v.unreadable, id: \.self) { Hint($0) }
            }
        }
    }
}
