// Backup and restore (as Android's BackupScreen.kt). Rendering only; the file exporter and
// importer are presented by the platform (IOSPlatform.fileToSave / picking).
import Companion
import SwiftUI

struct BackupScreen: View {
    let v: BackupView
    let send: Send
    @State private var passphrase = ""
    var body: some View {
        let act: (BackupAction) -> Void = { send(.backup(action: $0)) }
        ScreenColumn {
            switch v.stage {
            case .overview:
                Paragraph(v.intro)
                PassphrasePair(label: v.passphraseLabel, again: v.confirmationLabel, button: v.exportLabel) { p, c in
                    act(.export(passphrase: p, confirmation: c))
                }
                if v.canRestore {
                    Paragraph(v.restoreText)
                    SecondaryButton(v.chooseFileLabel) { act(.chooseFile) }
                }
            case .restore:
                SecureField(v.passphraseLabel, text: $passphrase).textFieldStyle(.roundedBorder)
                ActionButton(v.restoreLabel) { act(.restore(passphrase: Data(passphrase.utf8))); passphrase = "" }
            }
            if let result = v.result { Paragraph(result) }
        }
    }
}
