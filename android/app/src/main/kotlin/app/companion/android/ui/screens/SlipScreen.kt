// A slip: what happened, then the chain analysis one step at a time with the input the core
// says the step takes, the self-compassion prompt, and suggestions to add to the plan.
// Rendering only. Android-only (Jetpack Compose).
package app.companion.android.ui.screens

import androidx.compose.material3.FilterChip
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateListOf
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
import app.companion.core.ChainInput
import app.companion.core.Event
import app.companion.core.LinkAlternative
import app.companion.core.LinkKind
import app.companion.core.NewChainLink
import app.companion.core.SlipAction
import app.companion.core.SlipStage
import app.companion.core.SlipView
import app.companion.core.VulnerabilityFactor

@Composable
fun SlipScreen(v: SlipView, send: Send) = ScreenColumn {
    fun act(a: SlipAction) = send(Event.Slip(a))
    when (v.stage) {
        SlipStage.WRITE -> {
            var what by remember { mutableStateOf("") }
            Heading(v.whatLabel)
            Hint(v.whatHint)
            OutlinedTextField(value = what, onValueChange = { what = it })
            Action(v.nextLabel) { act(SlipAction.Write(what)) }
        }
        SlipStage.CHAIN -> {
            v.progress.forEach { Paragraph(it) }
            Paragraph(v.kindWords)
            Hint(v.stepLabel)
            Heading(v.question)
            Hint(v.hint)
            key(v.stepLabel) { StepInput(v, ::act) }
            Secondary(v.skipLabel) { act(SlipAction.SkipStep) }
            Secondary(v.laterLabel) { act(SlipAction.Later) }
        }
        SlipStage.FINISHED -> {
            Paragraph(v.kindWords)
            Paragraph(v.compassionPrompt)
            if (v.suggestions.isNotEmpty()) Heading(v.suggestionsHeading)
            v.suggestions.forEachIndexed { i, s ->
                Paragraph(s.text)
                Secondary(s.label) { act(SlipAction.AddToPlan(i.toUInt())) }
            }
            Action(v.doneLabel) { act(SlipAction.Done) }
        }
    }
}

@Composable
private fun StepInput(v: SlipView, act: (SlipAction) -> Unit) {
    when (v.input) {
        ChainInput.FACTORS -> {
            val chosen = remember { mutableStateListOf<VulnerabilityFactor>().apply { addAll(v.factors.filter { it.selected }.map { it.factor }) } }
            var note by remember { mutableStateOf("") }
            v.factors.forEach { f ->
                FilterChip(
                    selected = f.factor in chosen,
                    onClick = { if (f.factor in chosen) chosen.remove(f.factor) else chosen.add(f.factor) },
                    label = { Text(f.label) },
                )
            }
            OutlinedTextField(value = note, onValueChange = { note = it })
            Action(v.nextLabel) { act(SlipAction.AnswerFactors(chosen.toList(), note.ifEmpty { null })) }
        }
        ChainInput.TEXT -> {
            var text by remember { mutableStateOf(v.answer) }
            OutlinedTextField(value = text, onValueChange = { text = it })
            Action(v.nextLabel) { act(SlipAction.AnswerText(text)) }
        }
        ChainInput.LINKS -> {
            val links = remember { mutableStateListOf<NewChainLink>() }
            var kind by remember { mutableStateOf(LinkKind.THOUGHT) }
            var text by remember { mutableStateOf("") }
            links.forEach { Paragraph(it.text) }
            v.linkKinds.forEach { k -> FilterChip(selected = k.kind == kind, onClick = { kind = k.kind }, label = { Text(k.label) }) }
            OutlinedTextField(value = text, onValueChange = { text = it })
            Secondary("+") {
                links.add(NewChainLink(kind, text, null))
                text = ""
            }
            Action(v.nextLabel) { act(SlipAction.AnswerLinks(links.toList())) }
        }
        ChainInput.ALTERNATIVES -> {
            val instead = remember { mutableStateListOf(*Array(v.links.size) { v.links[it].instead ?: "" }) }
            v.links.forEachIndexed { i, link ->
                Hint("${link.kindLabel}: ${link.text}")
                OutlinedTextField(value = instead[i], onValueChange = { instead[i] = it })
            }
            Action(v.nextLabel) {
                val items = instead.mapIndexedNotNull { i, t -> if (t.isBlank()) null else LinkAlternative(i.toUInt(), t) }
                act(SlipAction.AnswerAlternatives(items))
            }
        }
    }
}
