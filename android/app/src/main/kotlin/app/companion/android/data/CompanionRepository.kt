// The app's single door to the core: opens the store (creating it on first launch), runs every
// call on a background dispatcher, and locks it again. Plain Kotlin with no Android imports, so
// the bindings' Kotlin suite compiles and tests it on the JVM (bindings/tests/kotlin); the
// Android screens only call this class.
package app.companion.android.data

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.KeyProvider
import app.companion.Unlock
import app.companion.createStoreAsync
import app.companion.openStoreAsync
import app.companion.core.Lookup
import app.companion.core.LookupQuery
import app.companion.core.NewUrge
import app.companion.core.Urge
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.withContext
import java.io.File

/** What opening the store came to, for the unlock screen. */
sealed class OpenResult {
    /** The store is open; `created` on the very first launch. */
    data class Opened(val created: Boolean) : OpenResult()

    /** It did not open; `message` is for the person, `retryWithPassphrase` when the device key failed. */
    data class Failed(val message: String, val retryWithPassphrase: Boolean) : OpenResult()
}

class CompanionRepository(
    private val storePath: String,
    /** Dispatchers.IO in the app; every core call that touches the disk runs there. */
    private val io: CoroutineDispatcher,
) {
    @Volatile
    private var core: CompanionCore? = null

    val isOpen: Boolean get() = core?.isLocked() == false

    /** Open with the device key (Android Keystore), creating the store on first launch. */
    suspend fun openWithDeviceKey(provider: KeyProvider): OpenResult = open(Unlock.DeviceKey(provider))

    /** Open with the passphrase (its UTF-8 bytes; the caller wipes its copy afterwards). */
    suspend fun openWithPassphrase(passphrase: ByteArray): OpenResult = open(Unlock.Passphrase(passphrase))

    private suspend fun open(unlock: Unlock): OpenResult {
        val existing = core
        return try {
            if (existing != null) {
                existing.unlockAsync(unlock)
                OpenResult.Opened(created = false)
            } else if (File(storePath).exists()) {
                core = openStoreAsync(storePath, unlock)
                OpenResult.Opened(created = false)
            } else {
                core = createStoreAsync(storePath, unlock)
                OpenResult.Opened(created = true)
            }
        } catch (e: CompanionException) {
            OpenResult.Failed(userMessage(e), retryWithPassphrase = e is CompanionException.KeyProviderFailed)
        }
    }

    /** Drop the keys from memory (the app went to the background, or the person locked it). */
    fun lock() {
        core?.lock()
    }

    suspend fun logUrge(urge: NewUrge): Urge = withCore { it.logUrge(urge) }

    /** Today's entries, oldest first. */
    suspend fun today(): List<Urge> = withCore { it.urgesOn(it.today(), false).urges }

    /** The plan's strategies for what the person typed, ranked, with who is reachable now. */
    suspend fun findInPlan(text: String, intensity: UByte?): Lookup =
        withCore { it.findInPlan(LookupQuery(text = text, intensity = intensity)) }

    private suspend fun <T> withCore(block: (CompanionCore) -> T): T {
        val c = core ?: throw IllegalStateException("open the store first")
        return withContext(io) { block(c) }
    }
}

/** Plain, kind words for an error, for a snackbar or a line under a field. */
fun userMessage(e: CompanionException): String = when (e) {
    is CompanionException.WrongKey ->
        "That didn't open your journal. Nothing was changed; please try again."
    is CompanionException.InvalidInput -> e.detail.replaceFirstChar { it.uppercase() }
    is CompanionException.NotFound -> "That entry isn't there any more."
    is CompanionException.AlreadyExists -> "There is already a journal here."
    is CompanionException.NotAllowed -> e.detail.replaceFirstChar { it.uppercase() }
    is CompanionException.StorageFull -> "Your phone is out of space, so this wasn't saved. Free some space and try again."
    is CompanionException.StorageCorrupt -> "Part of your journal couldn't be read. Everything else is safe."
    is CompanionException.NeedsNewerApp -> "Your journal was saved by a newer version of the app. Please update the app."
    is CompanionException.Busy -> "The journal is busy for a moment. Please try again."
    is CompanionException.KeyProviderFailed -> "This phone's key store didn't respond. You can unlock with your passphrase."
    is CompanionException.BadExportFile -> "This backup file can't be used. It may be damaged or from a newer app."
    is CompanionException.StorageFailed -> "Something went wrong while saving. Nothing was lost; please try again."
    is CompanionException.Offline -> "You're offline right now. Everything is saved here and will be sent later."
    is CompanionException.ServerRefused -> "The sharing service didn't accept this just now. Your data here is safe."
    is CompanionException.KeyMismatch ->
        "The code doesn't match your clinician's. Nothing was shared; please ask them for a new invite and compare the code together."
}
