// Insights: the range, the highlights, each series as the core shaped it, the weekday-by-hour
// grid. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import app.companion.android.ui.HeatmapView
import app.companion.android.ui.Hint
import app.companion.android.ui.Paragraph
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Send
import app.companion.android.ui.SeriesChart
import app.companion.core.Event
import app.companion.core.InsightsAction
import app.companion.core.InsightsView

@Composable
fun InsightsScreen(v: InsightsView, send: Send) = ScreenColumn {
    v.ranges.forEach { r ->
        FilterChip(selected = r.selected, onClick = { send(Event.Insights(InsightsAction.Range(r.range))) }, label = { Text(r.label) })
    }
    v.emptyText?.let { Paragraph(it) }
    v.problem?.let { Hint(it) }
    v.highlights.forEach { Paragraph(it) }
    v.series.forEach { SeriesChart(it) }
    HeatmapView(v.heatmap)
}
