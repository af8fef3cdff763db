// Settings (as Android's SettingsScreen.kt). Rendering only.
import Companion
import SwiftUI

struct SettingsScreen: View {
    let v: SettingsView
    let send: Send
    var body: some View {
        let act: (SettingsAction) -> Void = { send(.settings(action: $0)) }
        ScreenColumn {
            Heading(v.lockHeading)
            ForEach(v.lockChoices, id: \.secs) { c in
                Button(c.label) { act(.lockAfter(secs: c.secs)) }.buttonStyle(.bordered).tint(c.selected ? .accentColor : .gray)
            }
            SettingSwitch(toggle: v.biometrics) { act(.biometrics(on: $0)) }
            SettingSwitch(toggle: v.discreet) { act(.discreet(on: $0)) }
            SettingSwitch(toggle: v.explicitWords) { act(.explicitWords(on: $0)) }
            Heading(v.remindersHeading)
            SettingSwitch(toggle: v.dailyCheckIn) { act(.dailyCheckIn(minute: $0 ? v.checkInMinute : nil)) }
            if v.dailyCheckIn.on {
                LazyVGrid(columns: [GridItem(.adaptive(minimum: 70))]) {
                    ForEach(v.checkInTimes, id: \.minute) { t in
                        Button(t.label) { act(.dailyCheckIn(minute: t.minute)) }.buttonStyle(.bordered).tint(t.selected ? .accentColor : .gray)
                    }
                }
            }
            SettingSwitch(toggle: v.surfPrompts) { act(.surfPrompts(on: $0)) }
            SettingSwitch(toggle: v.goalNudges) { act(.goalNudges(on: $0)) }
            Heading(v.passphraseHeading)
            PassphrasePair(label: v.passphraseLabel, again: v.confirmationLabel, button: v.changePassphraseLabel) { p, c in
                act(.changePassphrase(passphrase: p, confirmation: c))
            }
            SecondaryButton(v.lockNowLabel) { send(.lockNow) }
        }
    }
}
