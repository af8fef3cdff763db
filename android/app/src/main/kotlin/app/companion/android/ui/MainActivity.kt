// The minimal screens: unlock (device key, or the passphrase when the key store fails), today's
// entries with a quick "log an urge", and the plan lookup. Every action calls the repository;
// no logic lives here. Android-only (Jetpack Compose): not compiled on the JVM.
package app.companion.android.ui

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.companion.CompanionException
import app.companion.android.CompanionApp
import app.companion.android.data.CompanionRepository
import app.companion.android.data.OpenResult
import app.companion.android.data.userMessage
import app.companion.android.keys.AndroidKeystoreKey
import app.companion.core.NewUrge
import app.companion.core.Urge
import kotlinx.coroutines.launch

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val repository = (application as CompanionApp).repository
        setContent { MaterialTheme { CompanionScreens(repository) } }
    }
}

@Composable
fun CompanionScreens(repository: CompanionRepository) {
    var open by remember { mutableStateOf(repository.isOpen) }
    var message by remember { mutableStateOf<String?>(null) }
    var askPassphrase by remember { mutableStateOf(false) }
    val scope = rememberCoroutineScope()

    LaunchedEffect(Unit) {
        if (!open) {
            when (val r = repository.openWithDeviceKey(AndroidKeystoreKey.provider())) {
                is OpenResult.Opened -> open = true
                is OpenResult.Failed -> {
                    message = r.message
                    askPassphrase = r.retryWithPassphrase
                }
            }
        }
    }
    Column(Modifier.padding(16.dp)) {
        message?.let { Text(it) }
        when {
            open -> TodayScreen(repository, onError = { message = it })
            askPassphrase -> UnlockWithPassphrase { pass ->
                scope.launch {
                    when (val r = repository.openWithPassphrase(pass)) {
                        is OpenResult.Opened -> open = true.also { message = null }
                        is OpenResult.Failed -> message = r.message
                    }
                    pass.fill(0)
                }
            }
            else -> Text("Opening your journal…")
        }
    }
}

@Composable
fun UnlockWithPassphrase(onSubmit: (ByteArray) -> Unit) {
    var text by remember { mutableStateOf("") }
    OutlinedTextField(value = text, onValueChange = { text = it }, label = { Text("Passphrase") })
    Button(onClick = { onSubmit(text.toByteArray(Charsets.UTF_8)).also { text = "" } }) { Text("Unlock") }
}

@Composable
fun TodayScreen(repository: CompanionRepository, onError: (String) -> Unit) {
    var urges by remember { mutableStateOf<List<Urge>>(emptyList()) }
    var intensity by remember { mutableStateOf(5f) }
    var search by remember { mutableStateOf("") }
    var strategies by remember { mutableStateOf<List<String>>(emptyList()) }
    val scope = rememberCoroutineScope()
    LaunchedEffect(Unit) { urges = repository.today() }

    Text("How strong is it right now? ${intensity.toInt()} of 10")
    Slider(value = intensity, onValueChange = { intensity = it }, valueRange = 0f..10f, steps = 9)
    Button(onClick = {
        scope.launch {
            try {
                repository.logUrge(NewUrge(intensity = intensity.toInt().toUByte()))
                urges = repository.today()
            } catch (e: CompanionException) {
                onError(userMessage(e))
            }
        }
    }) { Text("Note it down") }

    OutlinedTextField(value = search, onValueChange = { search = it }, label = { Text("What's going on?") })
    Button(onClick = {
        scope.launch {
            strategies = repository.findInPlan(search, intensity.toInt().toUByte()).strategies.map { it.text }
        }
    }) { Text("What helps") }
    LazyColumn {
        items(strategies) { Text(it) }
        items(urges) { Text("Intensity ${it.intensity} · ${it.triggers.joinToString()}") }
    }
}
