// Surf the urge: the scale to start or answer a prompt, the timer, the guidance, the wave,
// pause and resume, how it ended, the summary. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.runtime.Composable
import app.companion.android.ui.Action
import app.companion.android.ui.Heading
import app.companion.android.ui.NextStepCards
import app.companion.android.ui.Paragraph
import app.companion.android.ui.Scale
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.android.ui.SeriesChart
import app.companion.core.Event
import app.companion.core.SurfAction
import app.companion.core.SurfStage
import app.companion.core.SurfView

@Composable
fun SurfScreen(v: SurfView, send: Send) = ScreenColumn {
    fun act(a: SurfAction) = send(Event.Surf(a))
    Paragraph(v.guidance)
    when (v.stage) {
        SurfStage.START -> {
            Heading(v.question)
            Scale(v.scale) { act(SurfAction.Start(it)) }
            Secondary(v.doneLabel) { act(SurfAction.Done) }
        }
        SurfStage.LIVE -> {
            Heading("${v.elapsed} / ${v.length}")
            LinearProgressIndicator(progress = { v.progress })
            Paragraph(v.stateText)
            if (v.promptDue) Heading(v.question) else Paragraph(v.question)
            Scale(v.scale) { act(SurfAction.Rate(it)) }
            SeriesChart(v.wave)
            if (v.canPause) Secondary(v.pauseLabel) { act(SurfAction.Pause) }
            if (v.canResume) Secondary(v.resumeLabel) { act(SurfAction.Resume) }
            Heading(v.endQuestion)
            v.endings.forEach { e -> Secondary(e.label) { act(SurfAction.End(e.outcome)) } }
        }
        SurfStage.ENDED -> {
            SeriesChart(v.wave)
            v.summary.forEach { Paragraph(it) }
            if (v.nextMessage.isNotEmpty()) Paragraph(v.nextMessage)
            NextStepCards(v.nextSteps, send) { act(SurfAction.Next(it)) }
            Action(v.doneLabel) { act(SurfAction.Done) }
        }
    }
}
