// Sharing: who you share with and what, pairing (paste or scan, then compare the code out
// loud), choosing and previewing exactly what would be sent, consent, stopping, receipts.
// Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import app.companion.android.ui.Action
import app.companion.android.ui.Heading
import app.companion.android.ui.Hint
import app.companion.android.ui.Paragraph
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.Event
import app.companion.core.SharingAction
import app.companion.core.SharingStage
import app.companion.core.SharingView

@Composable
fun SharingScreen(v: SharingView, send: Send) = ScreenColumn {
    fun act(a: SharingAction) = send(Event.Sharing(a))
    when (v.stage) {
        SharingStage.OVERVIEW -> {
            Paragraph(v.intro)
            v.unreadable.forEach { Hint(it) }
            v.pairings.forEach { p ->
                Heading(p.name)
                Hint(p.detail)
                p.shares.forEach { Paragraph(it) }
                p.suggestions.forEach { Hint(it) }
                Secondary(p.shareLabel) { act(SharingAction.Choose(p.pairingId)) }
                Secondary(p.stopLabel) { act(SharingAction.StopSharing(p.pairingId)) }
            }
            Action(v.pairLabel) { act(SharingAction.StartPairing) }
            if (v.pairings.isNotEmpty()) Secondary(v.syncLabel) { act(SharingAction.SyncNow) }
            Secondary(v.receiptsLabel) { act(SharingAction.ShowReceipts) }
        }
        SharingStage.ENTER_INVITE -> {
            var text by remember { mutableStateOf("") }
            Action(v.scanLabel) { act(SharingAction.Scan) }
            OutlinedTextField(value = text, onValueChange = { text = it }, label = { Text(v.inviteLabel) })
            Secondary(v.inviteNextLabel) { act(SharingAction.InviteEntered(text)) }
        }
        SharingStage.COMPARE_CODE -> {
            Heading(v.clinician)
            Heading(v.code)
            Paragraph(v.compareText)
            Action(v.matchesLabel) { act(SharingAction.CodesMatch) }
            Secondary(v.differsLabel) { act(SharingAction.CodesDiffer) }
        }
        SharingStage.CHOOSE -> {
            v.categories.forEach { c ->
                FilterChip(selected = c.selected, onClick = { act(SharingAction.Toggle(c.category)) }, label = { Text(c.label) })
                Hint(c.wording)
            }
            Paragraph(v.historyLabel)
            Switch(checked = v.includeHistory, onCheckedChange = { act(SharingAction.IncludeHistory(it)) })
            Action(v.previewLabel) { act(SharingAction.Preview) }
        }
        SharingStage.PREVIEW -> {
            v.preview.forEach { p ->
                Heading(p.title)
                Paragraph(p.wording)
                Hint(p.count)
                Hint(p.content)
                p.neverSent.forEach { Hint("Never sent: $it") }
            }
            Action(v.consentLabel) { act(SharingAction.Consent) }
        }
        SharingStage.RECEIPTS -> {
            v.receipts.forEach { Paragraph(it) }
            v.unreadable.forEach { Hint(it) }
        }
    }
}
