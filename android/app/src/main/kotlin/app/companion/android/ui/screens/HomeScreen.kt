// Home: today, a surf under way, an analysis to continue, "Log an urge" and "Help now" first,
// then the menu. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.runtime.Composable
import app.companion.android.ui.Action
import app.companion.android.ui.Heading
import app.companion.android.ui.Paragraph
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.Event
import app.companion.core.HomeAction
import app.companion.core.HomeView
import app.companion.core.Route

@Composable
fun HomeScreen(v: HomeView, send: Send) = ScreenColumn {
    Heading(v.day)
    Paragraph(v.today)
    Action(v.logUrgeLabel) { send(Event.Open(Route.LOG_URGE)) }
    Action(v.helpNowLabel) { send(Event.Open(Route.HELP_NOW)) }
    v.surf?.let { s ->
        Paragraph(s.text)
        LinearProgressIndicator(progress = { s.progress })
        Secondary(s.actionLabel) { send(Event.Home(HomeAction.ContinueSurf)) }
    }
    v.unfinished.forEach { card ->
        Paragraph(card.text)
        Secondary(card.actionLabel) { send(Event.Home(HomeAction.ContinueAnalysis(card.slipId))) }
    }
    v.checkIn?.let { Secondary(it) { send(Event.Open(Route.CHECK_IN)) } }
    v.progress.forEach { Paragraph(it) }
    v.menu.forEach { entry -> Secondary(entry.label) { send(Event.Open(entry.route)) } }
}
