// The frame around every screen: the title, back (the system gesture too), the quick exit,
// the notice, the crisis step over everything when the core shows one, and the screen the
// core says is on top. Rendering only: every word, choice and
// order comes from the view; every tap becomes an Event. Android-only (Jetpack Compose).
package app.companion.android.ui

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import app.companion.android.app.AppController
import app.companion.android.ui.screens.BackupScreen
import app.companion.android.ui.screens.CheckInScreen
import app.companion.android.ui.screens.ExercisesScreen
import app.companion.android.ui.screens.FirstRunScreen
import app.companion.android.ui.screens.GoalsScreen
import app.companion.android.ui.screens.HomeScreen
import app.companion.android.ui.screens.InsightsScreen
import app.companion.android.ui.screens.LockScreen
import app.companion.android.ui.screens.LogUrgeScreen
import app.companion.android.ui.screens.NeutralScreen
import app.companion.android.ui.screens.PlanScreen
import app.companion.android.ui.screens.SettingsScreen
import app.companion.android.ui.screens.SharingScreen
import app.companion.android.ui.screens.SlipScreen
import app.companion.android.ui.screens.SurfScreen
import app.companion.core.Event
import app.companion.core.ScreenView

typealias Send = (Event) -> Unit

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun AppScreen(controller: AppController) {
    val current by controller.view.collectAsState()
    val view = current ?: return
    val send: Send = controller::send
    BackHandler(enabled = view.canGoBack) { send(Event.Back) }
    MaterialTheme {
        Scaffold(
            topBar = {
                TopAppBar(
                    title = { Text(view.title) },
                    navigationIcon = {
                        if (view.canGoBack) {
                            IconButton(onClick = { send(Event.Back) }) {
                                Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = "Back")
                            }
                        }
                    },
                    actions = {
                        view.quickExit?.let { label -> TextButton(onClick = { send(Event.QuickExit) }) { Text(label) } }
                    },
                )
            },
        ) { padding ->
            Box(Modifier.padding(padding)) {
                view.notice?.let { NoticeBanner(it) { send(Event.DismissNotice) } }
                val crisis = view.crisis
                if (crisis != null) {
                    ScreenColumn { CrisisCard(crisis, send) { send(Event.CloseCrisis) } }
                } else {
                    Screen(view.screen, send)
                }
            }
        }
    }
}

@Composable
private fun Screen(screen: ScreenView, send: Send) = when (screen) {
    is ScreenView.FirstRun -> FirstRunScreen(screen.view, send)
    is ScreenView.Locked -> LockScreen(screen.view, send)
    is ScreenView.Neutral -> NeutralScreen(screen.view, send)
    is ScreenView.Home -> HomeScreen(screen.view, send)
    is ScreenView.LogUrge -> LogUrgeScreen(screen.view, send)
    is ScreenView.Surf -> SurfScreen(screen.view, send)
    is ScreenView.Exercises -> ExercisesScreen(screen.view, send)
    is ScreenView.Plan -> PlanScreen(screen.view, send)
    is ScreenView.Slip -> SlipScreen(screen.view, send)
    is ScreenView.CheckIn -> CheckInScreen(screen.view, send)
    is ScreenView.Goals -> GoalsScreen(screen.view, send)
    is ScreenView.Insights -> InsightsScreen(screen.view, send)
    is ScreenView.Sharing -> SharingScreen(screen.view, send)
    is ScreenView.Backup -> BackupScreen(screen.view, send)
    is ScreenView.Settings -> SettingsScreen(screen.view, send)
    is ScreenView.Unavailable -> Paragraph(screen.text)
}
