// Shared pieces every screen renders: the 0-10 scale, chips, the notice, a series as bars or a
// line, the weekday-by-hour grid, a contact card with its call and text buttons, a setting's
// switch, a passphrase field pair. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.companion.core.ChartStyle
import app.companion.core.CrisisView
import app.companion.core.Event
import app.companion.core.NextStepAction
import app.companion.core.NextStepCard
import app.companion.core.Chip
import app.companion.core.ContactCard
import app.companion.core.ContactKind
import app.companion.core.Heatmap
import app.companion.core.Notice
import app.companion.core.NoticeKind
import app.companion.core.ScaleChoice
import app.companion.core.Series
import app.companion.core.Toggle

/** A screen's scrolling column. */
@Composable
fun ScreenColumn(content: @Composable () -> Unit) =
    Column(Modifier.fillMaxWidth().verticalScroll(rememberScrollState()).padding(16.dp)) { content() }

@Composable
fun Heading(text: String) = Text(text, style = MaterialTheme.typography.titleLarge, modifier = Modifier.padding(vertical = 8.dp))

@Composable
fun Paragraph(text: String) = Text(text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(vertical = 4.dp))

@Composable
fun Hint(text: String) = Text(text, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(bottom = 4.dp))

@Composable
fun Action(label: String, onClick: () -> Unit) =
    Button(onClick = onClick, modifier = Modifier.fillMaxWidth().padding(vertical = 4.dp)) { Text(label) }

@Composable
fun Secondary(label: String, onClick: () -> Unit) =
    OutlinedButton(onClick = onClick, modifier = Modifier.fillMaxWidth().padding(vertical = 4.dp)) { Text(label) }

@Composable
fun NoticeBanner(notice: Notice, onDismiss: () -> Unit) {
    val colour = when (notice.kind) {
        NoticeKind.SAVED -> MaterialTheme.colorScheme.primaryContainer
        NoticeKind.INFO -> MaterialTheme.colorScheme.secondaryContainer
        NoticeKind.PROBLEM -> MaterialTheme.colorScheme.errorContainer
    }
    Row(Modifier.fillMaxWidth().background(colour).padding(12.dp)) {
        Text(notice.text, Modifier.weight(1f))
        TextButton(onClick = onDismiss) { Text("OK") }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun Scale(choices: List<ScaleChoice>, onPick: (UByte) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        choices.forEach { c ->
            FilterChip(selected = c.selected, onClick = { onPick(c.value) }, label = { Text(c.label) })
        }
    }
    Row(Modifier.fillMaxWidth()) {
        Hint(choices.firstOrNull()?.anchor ?: "")
        Spacer(Modifier.weight(1f))
        Hint(choices.lastOrNull()?.anchor ?: "")
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun Chips(chips: List<Chip>, onToggle: (String) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        chips.forEach { c -> FilterChip(selected = c.selected, onClick = { onToggle(c.label) }, label = { Text(c.label) }) }
    }
}

/** A one-line field with a button that sends what was typed and clears it. */
@Composable
fun Entry(label: String, button: String, onSubmit: (String) -> Unit) {
    var text by remember { mutableStateOf("") }
    OutlinedTextField(value = text, onValueChange = { text = it }, label = { Text(label) }, modifier = Modifier.fillMaxWidth())
    Secondary(button) {
        onSubmit(text)
        text = ""
    }
}

/** A passphrase typed twice; sent as UTF-8 bytes and cleared at once. */
@Composable
fun PassphrasePair(label: String, again: String, button: String, onSubmit: (ByteArray, ByteArray) -> Unit) {
    var first by remember { mutableStateOf("") }
    var second by remember { mutableStateOf("") }
    Secret(label, first) { first = it }
    Secret(again, second) { second = it }
    Action(button) {
        onSubmit(first.toByteArray(Charsets.UTF_8), second.toByteArray(Charsets.UTF_8))
        first = ""
        second = ""
    }
}

@Composable
fun Secret(label: String, value: String, onChange: (String) -> Unit) = OutlinedTextField(
    value = value,
    onValueChange = onChange,
    label = { Text(label) },
    visualTransformation = PasswordVisualTransformation(),
    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password, autoCorrectEnabled = false),
    singleLine = true,
    modifier = Modifier.fillMaxWidth(),
)

@Composable
fun SettingSwitch(toggle: Toggle, onChange: (Boolean) -> Unit) {
    Row(Modifier.fillMaxWidth().padding(vertical = 6.dp)) {
        Column(Modifier.weight(1f)) {
            Text(toggle.label)
            Hint(toggle.detail)
        }
        Switch(checked = toggle.on, onCheckedChange = onChange, enabled = toggle.enabled)
    }
}

@Composable
fun ContactCardView(card: ContactCard, onAction: (ContactKind) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Column(Modifier.padding(12.dp)) {
            Text(card.name, style = MaterialTheme.typography.titleMedium)
            card.how?.let { Hint(it) }
            Hint("${card.status} · ${card.hours}")
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                card.buttons.forEach { b -> OutlinedButton(onClick = { onAction(b.kind) }) { Text(b.label) } }
            }
        }
    }
}

/** A series drawn as it comes: bars or a line from 0 to y_max; a missing value breaks a line. */
@Composable
fun SeriesChart(series: Series) {
    val colour = MaterialTheme.colorScheme.primary
    Text(series.title, style = MaterialTheme.typography.titleMedium)
    Canvas(Modifier.fillMaxWidth().height(140.dp).padding(vertical = 8.dp).semantics { contentDescription = series.summary }) {
        val n = series.points.size.coerceAtLeast(1)
        val step = size.width / n
        fun y(v: Double) = size.height - (v / series.yMax).toFloat() * size.height
        var last: Offset? = null
        series.points.forEachIndexed { i, p ->
            val value = p.y
            when (series.style) {
                ChartStyle.BARS -> if (value != null) {
                    drawRect(colour, topLeft = Offset(i * step + step * 0.15f, y(value)),
                        size = androidx.compose.ui.geometry.Size(step * 0.7f, size.height - y(value)))
                }
                ChartStyle.LINE -> {
                    val here = value?.let { Offset((p.x / maxOf(1.0, series.points.last().x)).toFloat() * size.width, y(it)) }
                    val prev = last
                    if (here != null && prev != null) drawLine(colour, prev, here, strokeWidth = 4f)
                    if (here != null) drawCircle(colour, 6f, here)
                    last = here
                }
            }
        }
    }
    Hint(series.summary)
}

@Composable
fun HeatmapView(map: Heatmap) {
    Text(map.title, style = MaterialTheme.typography.titleMedium)
    map.rows.forEach { row ->
        Row {
            Text(row.label, Modifier.width(40.dp), style = MaterialTheme.typography.bodySmall)
            row.cells.forEach { count ->
                val share = if (map.max == 0u) 0f else count.toFloat() / map.max.toFloat()
                Spacer(Modifier.size(10.dp).background(Color(0xFF2F6F73).copy(alpha = 0.08f + 0.92f * share)))
            }
        }
    }
    Hint(map.summary)
}

/** The crisis step: its words, people reachable now, crisis lines, the emergency number. */
@Composable
fun CrisisCard(crisis: CrisisView, send: (Event) -> Unit, onClose: (() -> Unit)? = null) {
    Card(Modifier.fillMaxWidth().padding(vertical = 8.dp)) {
        Column(Modifier.padding(12.dp)) {
            Paragraph(crisis.message)
            (crisis.peopleNow + crisis.contacts).forEach { c -> ContactCardView(c) { kind -> send(Event.Contact(c.id, kind)) } }
            Hint(crisis.emergencyText)
            Action(crisis.callEmergencyLabel) { send(Event.CallEmergency) }
            Paragraph(crisis.notAnEmergencyService)
            onClose?.let { Secondary(crisis.closeLabel, it) }
        }
    }
}

/** Next steps in the core's order, each with its crisis step, contacts or button. */
@Composable
fun NextStepCards(cards: List<NextStepCard>, send: (Event) -> Unit, onAction: (NextStepAction) -> Unit) {
    cards.forEach { card ->
        val crisis = card.crisis
        if (crisis != null) {
            CrisisCard(crisis, send)
        } else {
            Paragraph(card.text)
            card.detail?.let { Hint(it) }
            card.contacts.forEach { c -> ContactCardView(c) { kind -> send(Event.Contact(c.id, kind)) } }
            val action = card.action
            if (action != null) Action(card.actionLabel ?: card.text) { onAction(action) }
        }
    }
}
