// Exercises: the library, distress before, the player (the cue, the step's words, a circle
// as full as the core's breath level, progress), distress after.
// Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.companion.android.ui.Action
import app.companion.android.ui.Heading
import app.companion.android.ui.Hint
import app.companion.android.ui.Paragraph
import app.companion.android.ui.Scale
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.Event
import app.companion.core.ExercisesAction
import app.companion.core.ExercisesStage
import app.companion.core.ExercisesView
import app.companion.core.PlayerView

@Composable
fun ExercisesScreen(v: ExercisesView, send: Send) = ScreenColumn {
    fun act(a: ExercisesAction) = send(Event.Exercises(a))
    when (v.stage) {
        ExercisesStage.LIBRARY -> v.items.forEach { item ->
            Secondary("${item.title} · ${item.length}") { act(ExercisesAction.Choose(item.key)) }
            Hint("${item.group}: ${item.summary}")
        }
        ExercisesStage.BEFORE -> {
            Heading(v.question)
            Scale(v.scale) { act(ExercisesAction.Begin(it)) }
            Secondary(v.skipLabel) { act(ExercisesAction.Begin(null)) }
        }
        ExercisesStage.PLAYING -> v.player?.let { p ->
            Player(p)
            if (p.paused) Secondary(v.resumeLabel) { act(ExercisesAction.Resume) } else Secondary(v.pauseLabel) { act(ExercisesAction.Pause) }
            Secondary(v.nextStepLabel) { act(ExercisesAction.NextStep) }
            Secondary(v.stopLabel) { act(ExercisesAction.Stop) }
            if (p.finished) Action(v.doneLabel) { act(ExercisesAction.Stop) }
        }
        ExercisesStage.AFTER -> {
            Heading(v.question)
            Scale(v.scale) { act(ExercisesAction.Finish(it)) }
            Secondary(v.skipLabel) { act(ExercisesAction.Finish(null)) }
        }
        ExercisesStage.SAVED -> {
            v.result.forEach { Paragraph(it) }
            Action(v.doneLabel) { act(ExercisesAction.Done) }
        }
    }
}

@Composable
private fun Player(p: PlayerView) {
    Heading(p.title)
    Heading(p.cue)
    val colour = MaterialTheme.colorScheme.primary
    Canvas(Modifier.fillMaxWidth().height(180.dp)) {
        drawCircle(colour.copy(alpha = 0.4f), radius = size.minDimension / 2 * (0.4f + 0.6f * p.breath))
    }
    Paragraph(p.text)
    p.round?.let { Hint(it) }
    LinearProgressIndicator(progress = { p.overall })
    Hint(p.remaining)
}
