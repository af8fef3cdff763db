// The plan: the search box (every keystroke goes to the core, which answers from memory), what
// helps now with people to call or text, then the seven sections in the order the core gives,
// each with its add options. Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.foundation.layout.Row
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import app.companion.android.ui.ContactCardView
import app.companion.android.ui.CrisisCard
import app.companion.android.ui.Heading
import app.companion.android.ui.Hint
import app.companion.android.ui.Paragraph
import app.companion.android.ui.ScreenColumn
import app.companion.android.ui.Secondary
import app.companion.android.ui.Send
import app.companion.core.AddOption
import app.companion.core.Event
import app.companion.core.LookupView
import app.companion.core.PlanAction
import app.companion.core.PlanView

@Composable
fun PlanScreen(v: PlanView, send: Send) = ScreenColumn {
    fun act(a: PlanAction) = send(Event.Plan(a))
    Heading(v.heading)
    OutlinedTextField(value = v.query, onValueChange = { act(PlanAction.Search(it)) }, label = { Text(v.searchLabel) })
    v.crisis?.let { CrisisCard(it, send) }
    v.found?.let { Found(it, ::act) }
    v.problem?.let { Paragraph(it) }
    v.sections.forEach { section ->
        Heading("${section.step}. ${section.title}")
        Hint(section.hint)
        if (section.lines.isEmpty()) Hint(section.emptyText)
        section.lines.forEach { line ->
            val card = line.contact
            if (card != null) {
                ContactCardView(card) { kind -> act(PlanAction.Contact(card.id, kind)) }
            } else {
                Row {
                    Paragraph(line.text)
                    if (line.canUse) TextButton(onClick = { act(PlanAction.UseStrategy(line.id)) }) { Text("Doing this now") }
                    TextButton(onClick = { act(PlanAction.Remove(line.id)) }) { Text("Remove") }
                }
                line.detail?.let { Hint(it) }
            }
        }
        section.adds.forEach { AddLine(it, ::act) }
    }
}

@Composable
private fun Found(found: LookupView, act: (PlanAction) -> Unit) {
    found.matched?.let { Hint(it) }
    val contacts = @Composable {
        found.contacts.forEach { c -> ContactCardView(c) { kind -> act(PlanAction.Contact(c.id, kind)) } }
    }
    if (found.contactsFirst) contacts()
    found.strategies.forEach { s ->
        val id = s.id
        if (id != null) Secondary(s.text) { act(PlanAction.UseStrategy(id)) } else Paragraph(s.text)
        Hint(listOfNotNull(s.why, s.record).joinToString(" · "))
    }
    if (!found.contactsFirst) contacts()
    found.reasons.forEach { Paragraph(it) }
    found.emptyText?.let { Hint(it) }
}

@Composable
private fun AddLine(option: AddOption, act: (PlanAction) -> Unit) {
    var text by remember { mutableStateOf("") }
    var how by remember { mutableStateOf("") }
    var hours by remember { mutableStateOf("") }
    OutlinedTextField(value = text, onValueChange = { text = it }, label = { Text(option.placeholder) })
    if (option.asksContact) {
        OutlinedTextField(value = how, onValueChange = { how = it }, label = { Text("How to reach them") })
        OutlinedTextField(value = hours, onValueChange = { hours = it }, label = { Text("When (for example mon-fri 9-17)") })
    }
    Secondary(option.label) {
        act(PlanAction.Add(option.part, text, null, how.ifEmpty { null }, hours.ifEmpty { null }))
        text = ""
        how = ""
        hours = ""
    }
}
