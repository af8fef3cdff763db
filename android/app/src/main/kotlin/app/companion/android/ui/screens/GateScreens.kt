// The screens in front of the journal: the first run, the lock screen, the neutral screen of
// a quick exit. Passphrases leave the fields as UTF-8 bytes and the fields are cleared.
// Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import app.companion.android.ui.Action
import app.companion.android.ui.Heading
import app.companion.android.ui.Hint
import app.companion.android.ui.Paragraph
import app.companion.android.ui.PassphrasePair
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Secret
import app.companion.android.ui.Send
import app.companion.core.Event
import app.companion.core.FirstRunStage
import app.companion.core.FirstRunView
import app.companion.core.GateAction
import app.companion.core.LockView
import app.companion.core.NeutralView

@Composable
fun FirstRunScreen(v: FirstRunView, send: Send) = ScreenColumn {
    Heading(v.heading)
    when (v.stage) {
        FirstRunStage.PASSPHRASE -> {
            v.about.forEach { Paragraph(it) }
            PassphrasePair(v.passphraseLabel, v.confirmationLabel, v.createLabel) { p, c ->
                send(Event.Gate(GateAction.CreateJournal(p, c)))
            }
            Hint(v.passphraseHint)
        }
        FirstRunStage.BIOMETRICS -> {
            Paragraph(v.biometricsQuestion)
            Action(v.enableLabel) { send(Event.Gate(GateAction.EnableBiometrics)) }
            Secondary(v.skipLabel) { send(Event.Gate(GateAction.SkipBiometrics)) }
        }
    }
    v.problem?.let { Paragraph(it) }
}

@Composable
fun LockScreen(v: LockView, send: Send) = ScreenColumn {
    var passphrase by remember { mutableStateOf("") }
    Heading(v.heading)
    v.biometricLabel?.let { Action(it) { send(Event.Gate(GateAction.UseBiometrics)) } }
    Secret(v.passphraseLabel, passphrase) { passphrase = it }
    Secondary(v.unlockLabel) {
        send(Event.Gate(GateAction.UnlockWithPassphrase(passphrase.toByteArray(Charsets.UTF_8))))
        passphrase = ""
    }
    v.problem?.let { Paragraph(it) }
    Hint(v.hint)
}

@Composable
fun NeutralScreen(v: NeutralView, send: Send) = ScreenColumn {
    Heading(v.heading)
    Paragraph(v.body)
    Secondary(v.reopenLabel) { send(Event.Gate(GateAction.Reopen)) }
}
