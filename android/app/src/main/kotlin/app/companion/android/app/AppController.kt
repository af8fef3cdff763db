// The shell's only moving part: it sends what the person did to the core's app model, one
// event at a time and off the main thread, publishes the view to render, asks again when the
// view says so (a running timer or exercise), and hands every effect to the platform.
// It decides nothing: every word, order and choice comes from the core.
//
// Plain Kotlin with no Android imports: compiled and tested on the JVM with the bindings'
// Kotlin suite (bindings/tests/kotlin/AppDayTests.kt).
package app.companion.android.app

import app.companion.AppModel
import app.companion.core.AppView
import app.companion.core.Effect
import app.companion.core.Event
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

class AppController(
    private val model: AppModel,
    private val platform: PlatformActions,
    /** Where the model's blocking calls run (Dispatchers.IO in the app). */
    private val io: CoroutineDispatcher,
    /** Lives as long as the process (the app's scope). */
    private val scope: CoroutineScope,
) {
    private val events = Channel<Event>(Channel.UNLIMITED)
    private val current = MutableStateFlow<AppView?>(null)
    private var refreshJob: Job? = null
    private var lockJob: Job? = null

    /** The view to render; `null` until the first one is ready. */
    val view: StateFlow<AppView?> get() = current

    init {
        scope.launch {
            for (event in events) deliver(event)
        }
    }

    /** Queue an event; events are delivered in order, one at a time. */
    fun send(event: Event) {
        events.trySend(event)
    }

    /** Ask for the view again (after a configuration change, or to start). */
    fun refresh() {
        scope.launch { publish() }
    }

    /** Deliver one event now and wait for its effects (for the background paths and tests). */
    suspend fun deliver(event: Event) {
        val effects = withContext(io) { model.send(event) }
        effects.forEach { carryOut(it) }
        publish()
    }

    private suspend fun publish() {
        val v = withContext(io) { model.view() }
        current.value = v
        refreshJob?.cancel()
        val after = v.refreshAfterMs
        if (after != null) {
            refreshJob = scope.launch {
                delay(after.toLong())
                publish()
            }
        }
    }

    private fun carryOut(effect: Effect) {
        when (effect) {
            is Effect.LockAfter -> {
                lockJob?.cancel()
                lockJob = scope.launch {
                    delay(effect.ms.toLong())
                    send(Event.LockTimerFired)
                }
            }
            is Effect.Authenticate -> platform.authenticate(effect.purpose, effect.title, effect.subtitle, effect.cancel)
            is Effect.ForgetDeviceKey -> platform.forgetDeviceKey()
            is Effect.Dial -> platform.dial(effect.number)
            is Effect.Message -> platform.message(effect.number)
            is Effect.Notifications -> platform.notifications(effect.plan)
            is Effect.Reminders -> platform.reminders(effect.schedule)
            is Effect.SaveFile -> platform.saveFile(effect.suggestedName, effect.mime, effect.bytes)
            is Effect.PickFile -> platform.pickFile(effect.mime)
            is Effect.ScanCode -> platform.scanCode()
            is Effect.AppIdentity -> platform.appIdentity(effect.discreet, effect.name)
            is Effect.SyncSoon -> platform.syncSoon()
            is Effect.LeaveApp -> platform.leaveApp()
        }
    }
}
