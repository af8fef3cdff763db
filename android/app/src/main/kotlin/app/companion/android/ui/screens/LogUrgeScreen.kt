// Log an urge: the scale (one tap saves), then optional details and the next steps in the
// order the core gives them. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import app.companion.android.ui.Chips
import app.companion.android.ui.NextStepCards
import app.companion.android.ui.Entry
import app.companion.android.ui.Heading
import app.companion.android.ui.Paragraph
import app.companion.android.ui.Scale
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.Event
import app.companion.core.LogUrgeAction
import app.companion.core.LogUrgeStage
import app.companion.core.LogUrgeView

@Composable
fun LogUrgeScreen(v: LogUrgeView, send: Send) = ScreenColumn {
    fun act(a: LogUrgeAction) = send(Event.LogUrge(a))
    Heading(v.question)
    Scale(v.scale) { act(LogUrgeAction.Intensity(it)) }
    if (v.stage == LogUrgeStage.SAVED) {
        v.savedText?.let { Paragraph(it) }
        if (v.nextMessage.isNotEmpty()) Heading(v.nextMessage)
        NextStepCards(v.nextSteps, send) { act(LogUrgeAction.Next(it)) }
        Paragraph(v.triggersLabel)
        Chips(v.triggers) { act(LogUrgeAction.ToggleTrigger(it)) }
        Entry(v.addHint, "+") { act(LogUrgeAction.AddTrigger(it)) }
        Paragraph(v.feelingsLabel)
        Chips(v.feelings) { act(LogUrgeAction.ToggleFeeling(it)) }
        Entry(v.addHint, "+") { act(LogUrgeAction.AddFeeling(it)) }
        v.company.forEach { c ->
            FilterChip(
                selected = c.selected,
                onClick = { act(LogUrgeAction.SetCompany(if (c.selected) null else c.value)) },
                label = { Text(c.label) },
            )
        }
        var note by remember(v.note) { mutableStateOf(v.note) }
        OutlinedTextField(value = note, onValueChange = { note = it }, label = { Text(v.noteLabel) })
        Secondary(v.saveDetailsLabel) { act(LogUrgeAction.SaveDetails(note)) }
        Secondary(v.doneLabel) { act(LogUrgeAction.Done) }
    }
}
