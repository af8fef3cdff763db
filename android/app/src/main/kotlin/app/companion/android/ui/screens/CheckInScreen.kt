// The daily check-in: each rating's question and scale, the words, save. Rendering only.
// Android-only (Jetpack Compose).
package app.companion.android.ui.screens

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
import app.companion.android.ui.Scale
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.CheckInAction
import app.companion.core.CheckInView
import app.companion.core.Event

@Composable
fun CheckInScreen(v: CheckInView, send: Send) = ScreenColumn {
    fun act(a: CheckInAction) = send(Event.CheckIn(a))
    var note by remember { mutableStateOf("") }
    Heading(v.day)
    v.earlier?.let { Hint(it) }
    v.measures.forEach { m ->
        Paragraph(m.question)
        Scale(m.scale) { act(CheckInAction.Rate(m.measure, it)) }
    }
    v.earlierWords?.let { Hint(it) }
    OutlinedTextField(value = note, onValueChange = { note = it }, label = { Text(v.noteLabel) })
    Action(v.saveLabel) {
        act(CheckInAction.Save(note))
        note = ""
    }
    v.savedText?.let { Paragraph(it) }
    Secondary(v.doneLabel) { act(CheckInAction.Done) }
}
