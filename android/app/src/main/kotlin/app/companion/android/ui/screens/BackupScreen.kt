// Backup and restore: a backup under its own passphrase (the platform saves the file where
// the person chooses), a restore into a journal that holds nothing yet. Rendering only.
// Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import app.companion.android.ui.Action
import app.companion.android.ui.Paragraph
import app.companion.android.ui.PassphrasePair
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Secret
import app.companion.android.ui.Send
import app.companion.core.BackupAction
import app.companion.core.BackupStage
import app.companion.core.BackupView
import app.companion.core.Event

@Composable
fun BackupScreen(v: BackupView, send: Send) = ScreenColumn {
    fun act(a: BackupAction) = send(Event.Backup(a))
    when (v.stage) {
        BackupStage.OVERVIEW -> {
            Paragraph(v.intro)
            PassphrasePair(v.passphraseLabel, v.confirmationLabel, v.exportLabel) { p, c -> act(BackupAction.Export(p, c)) }
            if (v.canRestore) {
                Paragraph(v.restoreText)
                Secondary(v.chooseFileLabel) { act(BackupAction.ChooseFile) }
            }
        }
        BackupStage.RESTORE -> {
            var passphrase by remember { mutableStateOf("") }
            Secret(v.passphraseLabel, passphrase) { passphrase = it }
            Action(v.restoreLabel) {
                act(BackupAction.Restore(passphrase.toByteArray(Charsets.UTF_8)))
                passphrase = ""
            }
        }
    }
    v.result?.let { Paragraph(it) }
}
