// Goals: each with its progress and state; a new goal from the core's templates and time
// frames. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.OutlinedTextField
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
import app.companion.core.GoalTemplate
import app.companion.core.GoalsAction
import app.companion.core.GoalsStage
import app.companion.core.GoalsView

@Composable
fun GoalsScreen(v: GoalsView, send: Send) = ScreenColumn {
    fun act(a: GoalsAction) = send(Event.Goals(a))
    when (v.stage) {
        GoalsStage.LIST -> {
            v.emptyText?.let { Paragraph(it) }
            v.goals.forEach { g ->
                Heading(g.text)
                g.why?.let { Hint(it) }
                LinearProgressIndicator(progress = { g.percent.toFloat() / 100f })
                Paragraph(g.progressText)
                Hint(g.stateText)
                if (g.countedByHand) {
                    Secondary(v.addProgressLabel) { act(GoalsAction.AddProgress(g.id, 1u)) }
                    Secondary(v.undoLabel) { act(GoalsAction.UndoProgress(g.id)) }
                }
                Secondary(v.archiveLabel) { act(GoalsAction.Archive(g.id)) }
            }
            Action(v.newLabel) { act(GoalsAction.StartNew) }
        }
        GoalsStage.NEW -> {
            var chosen by remember { mutableStateOf<GoalTemplate?>(null) }
            v.templates.forEach { t -> FilterChip(selected = chosen == t, onClick = { chosen = t }, label = { Text(t.label) }) }
            chosen?.let { t -> NewGoal(t, v, ::act) }
        }
    }
}

@Composable
private fun NewGoal(t: GoalTemplate, v: GoalsView, act: (GoalsAction) -> Unit) {
    var text by remember(t) { mutableStateOf(t.text) }
    var why by remember(t) { mutableStateOf("") }
    var target by remember(t) { mutableStateOf(t.target.toString()) }
    var unit by remember(t) { mutableStateOf("") }
    var span by remember(t) { mutableStateOf(t.span) }
    OutlinedTextField(value = text, onValueChange = { text = it })
    OutlinedTextField(value = why, onValueChange = { why = it }, label = { Text("Why it matters (optional)") })
    OutlinedTextField(value = target, onValueChange = { target = it }, label = { Text("How many") })
    if (t.asksUnit) OutlinedTextField(value = unit, onValueChange = { unit = it }, label = { Text("What you count") })
    v.spans.forEach { s -> FilterChip(selected = span == s.span, onClick = { span = s.span }, label = { Text(s.label) }) }
    Action(v.createLabel) {
        act(GoalsAction.Create(t.kind, text, why.ifEmpty { null }, target.toUIntOrNull() ?: 0u, span, unit.ifEmpty { null }))
    }
}
