// The first run, the lock screen, the neutral screen (as Android's GateScreens.kt).
// Rendering only.
import Companion
import SwiftUI

struct FirstRunScreen: View {
    let v: FirstRunView
    let send: Send
    var body: some View {
        ScreenColumn {
            Heading(v.heading)
            switch v.stage {
            case .passphrase:
                ForEach(v.about, id: \.self) { Paragraph($0) }
                PassphrasePair(label: v.passphraseLabel, again: v.confirmationLabel, button: v.createLabel) { p, c in
                    send(.gate(action: .createJournal(passphrase: p, confirmation: c)))
                }
                Hint(v.passphraseHint)
            case .biometrics:
                Paragraph(v.biometricsQuestion)
                ActionButton(v.enableLabel) { send(.gate(action: .enableBiometrics)) }
                SecondaryButton(v.skipLabel) { send(.gate(action: .skipBiometrics)) }
            }
            if let problem = v.problem { Paragraph(problem) }
        }
    }
}

struct LockScreen: View {
    let v: LockView
    let send: Send
    @State private var passphrase = ""
    var body: some View {
        ScreenColumn {
            Heading(v.heading)
            if let label = v.biometricLabel { ActionButton(label) { send(.gate(action: .useBiometrics)) } }
            SecureField(v.passphraseLabel, text: $passphrase).textFieldStyle(.roundedBorder)
            SecondaryButton(v.unlockLabel) {
                send(.gate(action: .unlockWithPassphrase(passphrase: Data(passphrase.utf8))))
                passphrase = ""
            }
            if let problem = v.problem { Paragraph(problem) }
            Hint(v.hint)
        }
    }
}

struct NeutralScreen: View {
    let v: NeutralView
    let send: Send
    var body: some View {
        ScreenColumn {
            Heading(v.heading)
            Paragraph(v.body)
            SecondaryButton(v.reopenLabel) { send(.gate(action: .reopen)) }
        }
    }
}
