// Settings: the lock time, biometric unlock, discreet mode, notification words, reminders,
// the recovery passphrase, lock now. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import app.companion.android.ui.Heading
import app.companion.android.ui.PassphrasePair
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.android.ui.SettingSwitch
import app.companion.core.Event
import app.companion.core.SettingsAction
import app.companion.core.SettingsView

@Composable
fun SettingsScreen(v: SettingsView, send: Send) = ScreenColumn {
    fun act(a: SettingsAction) = send(Event.Settings(a))
    Heading(v.lockHeading)
    v.lockChoices.forEach { c -> FilterChip(selected = c.selected, onClick = { act(SettingsAction.LockAfter(c.secs)) }, label = { Text(c.label) }) }
    SettingSwitch(v.biometrics) { act(SettingsAction.Biometrics(it)) }
    SettingSwitch(v.discreet) { act(SettingsAction.Discreet(it)) }
    SettingSwitch(v.explicitWords) { act(SettingsAction.ExplicitWords(it)) }
    Heading(v.remindersHeading)
    SettingSwitch(v.dailyCheckIn) { on -> act(SettingsAction.DailyCheckIn(if (on) v.checkInMinute else null)) }
    if (v.dailyCheckIn.on) {
        v.checkInTimes.forEach { t ->
            FilterChip(selected = t.selected, onClick = { act(SettingsAction.DailyCheckIn(t.minute)) }, label = { Text(t.label) })
        }
    }
    SettingSwitch(v.surfPrompts) { act(SettingsAction.SurfPrompts(it)) }
    SettingSwitch(v.goalNudges) { act(SettingsAction.GoalNudges(it)) }
    Heading(v.passphraseHeading)
    PassphrasePair(v.passphraseLabel, v.confirmationLabel, v.changePassphraseLabel) { p, c ->
        act(SettingsAction.ChangePassphrase(p, c))
    }
    Secondary(v.lockNowLabel) { send(Event.LockNow) }
}
