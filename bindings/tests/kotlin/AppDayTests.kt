// A client's whole day from Kotlin on the JVM, through the Android app's own plain-Kotlin
// layer: AppController (events in, views out, effects to the platform), the app's
// AesGcmKeyProvider, HttpSyncTransport (HttpURLConnection) against the real sync server that
// run-foreign-tests.sh starts, ReminderPlanner (alarms re-armed after a reboot or a new time
// zone) and InviteCodeReader (a QR code drawn by ZXing, read back).
package app.companion.tests

import app.companion.AppModel
import app.companion.BackgroundSync
import app.companion.android.app.AppController
import app.companion.android.app.PlatformActions
import app.companion.android.notify.AlarmPort
import app.companion.android.notify.KeyValueStore
import app.companion.android.notify.ReminderPlanner
import app.companion.android.qr.InviteCodeReader
import app.companion.android.sync.HttpSyncTransport
import app.companion.core.AppView
import app.companion.core.AuthPurpose
import app.companion.core.Biometrics
import app.companion.core.CheckInAction
import app.companion.core.ContactKind
import app.companion.core.Event
import app.companion.core.ExercisesAction
import app.companion.core.GateAction
import app.companion.core.HomeAction
import app.companion.core.LinkKind
import app.companion.core.LogUrgeAction
import app.companion.core.Measure
import app.companion.core.NewChainLink
import app.companion.core.NextStepAction
import app.companion.core.NotificationKind
import app.companion.core.NotificationPlan
import app.companion.core.PlanAction
import app.companion.core.PlanTarget
import app.companion.core.Platform
import app.companion.core.ReminderSchedule
import app.companion.core.Route
import app.companion.core.ScheduledNotification
import app.companion.core.ScreenView
import app.companion.core.SettingsAction
import app.companion.core.ShareCategory
import app.companion.core.SharingAction
import app.companion.core.SharingStage
import app.companion.core.SlipAction
import app.companion.core.SlipStage
import app.companion.core.SurfAction
import app.companion.core.SurfOutcome
import app.companion.core.SurfStage
import app.companion.core.VulnerabilityFactor
import com.google.zxing.BarcodeFormat
import com.google.zxing.qrcode.QRCodeWriter
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking

private val JOURNAL_PASS = "river lamp orange".toByteArray()
private const val MINUTE_MS = 60_000L

/** The platform, recorded: what a phone would have done for each effect. */
private class RecordingPlatform(private val planner: ReminderPlanner) : PlatformActions {
    val prompts = mutableListOf<AuthPurpose>()
    val dialled = mutableListOf<String>()
    val messaged = mutableListOf<String>()
    val identities = mutableListOf<Pair<Boolean, String>>()
    var syncs = 0
    var left = false
    var forgot = false

    override fun authenticate(purpose: AuthPurpose, title: String, subtitle: String, cancel: String) {
        prompts += purpose
    }
    override fun forgetDeviceKey() {
        forgot = true
    }
    override fun dial(number: String) {
        dialled += number
    }
    override fun message(number: String) {
        messaged += number
    }
    override fun notifications(plan: NotificationPlan) = planner.surf(plan)
    override fun reminders(schedule: ReminderSchedule) = planner.replace(schedule)
    override fun saveFile(suggestedName: String, mime: String, bytes: ByteArray) {}
    override fun pickFile(mime: String) {}
    override fun scanCode() {}
    override fun appIdentity(discreet: Boolean, name: String) {
        identities += discreet to name
    }
    override fun syncSoon() {
        syncs++
    }
    override fun leaveApp() {
        left = true
    }
}

/** SharedPreferences and AlarmManager, in memory. */
private class MemoryPrefs : KeyValueStore {
    val values = mutableMapOf<String, String>()
    override fun get(key: String) = values[key]
    override fun put(key: String, value: String?) {
        if (value == null) values.remove(key) else values[key] = value
    }
}

private class MemoryAlarms : AlarmPort {
    val armed = mutableMapOf<String, ScheduledNotification>()
    override fun set(notification: ScheduledNotification) {
        armed[notification.key] = notification
    }
    override fun cancel(key: String) {
        armed.remove(key)
    }
}

private inline fun <reified S : ScreenView> AppView.screen(): S =
    screen as? S ?: throw AssertionFailed("expected ${S::class.simpleName}, got ${screen::class.simpleName}")

fun registerAppDayTests() {
    Tests.group("phone app day") {
        test("a client's whole day through the app model, the Android layer and a real sync server") {
            val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
            val clock = longArrayOf(NOW_MS)
            var zone = "Europe/Berlin"
            val prefs = MemoryPrefs()
            val alarms = MemoryAlarms()
            val planner = ReminderPlanner(prefs, alarms, { clock[0] }, { zone })
            val platform = RecordingPlatform(planner)
            val keys = CountingAesProvider()
            val model = AppModel(path("journal.db"), Platform(Biometrics.AVAILABLE, false), keys, HttpSyncTransport())
            val core = model.core()
            core.freezeClockForTest(NOW_MS)
            core.setTimeZone(zone)
            fun later(minutes: Long) {
                clock[0] += minutes * MINUTE_MS
                core.freezeClockForTest(clock[0])
            }
            val app = AppController(model, platform, Dispatchers.IO, scope)
            fun go(event: Event): AppView = runBlocking {
                app.deliver(event)
                app.view.value ?: throw AssertionFailed("no view")
            }
            try {
                // First run: the recovery passphrase, then biometric unlock.
                var v = go(Event.Started)
                check(v.screen<ScreenView.FirstRun>().view.about.any { "not an emergency service" in it }) { "what it is not" }
                go(Event.Gate(GateAction.CreateJournal(JOURNAL_PASS, JOURNAL_PASS)))
                go(Event.Gate(GateAction.EnableBiometrics))
                assertEquals(AuthPurpose.ENROL, platform.prompts.last(), "enrol prompt")
                v = go(Event.Authenticated)
                check(keys.wraps > 0) { "the key-store key guards the journal" }
                assertEquals("Log an urge", v.screen<ScreenView.Home>().view.logUrgeLabel, "home")
                assertEquals(true to "Journal", platform.identities.last(), "discreet from the start")
                check(v.secure) { "no screenshots" }

                // A strong urge, its next steps, and surfing it (one entry, its wave).
                go(Event.Open(Route.LOG_URGE))
                v = go(Event.LogUrge(LogUrgeAction.Intensity(9u)))
                assertEquals(NextStepAction.Surf, v.screen<ScreenView.LogUrge>().view.nextSteps.first().action, "surf first")
                go(Event.LogUrge(LogUrgeAction.AddTrigger("lonely")))
                go(Event.LogUrge(LogUrgeAction.SaveDetails("")))
                v = go(Event.LogUrge(LogUrgeAction.Next(NextStepAction.Surf)))
                assertEquals(SurfStage.LIVE, v.screen<ScreenView.Surf>().view.stage, "surfing")
                assertEquals(1000u, v.refreshAfterMs, "the timer ticks")
                check(alarms.armed.values.any { it.kind == NotificationKind.TIME_UP }) { "time-up armed" }
                later(3)
                go(Event.Surf(SurfAction.Rate(5u)))
                later(4)
                go(Event.Surf(SurfAction.Rate(2u)))
                v = go(Event.Surf(SurfAction.End(SurfOutcome.PASSED)))
                val ended = v.screen<ScreenView.Surf>().view
                assertEquals(listOf(9.0, 5.0, 2.0), ended.wave.points.map { it.y }, "the wave")
                check(alarms.armed.values.none { it.kind == NotificationKind.TIME_UP }) { "cancelled at the end" }
                assertEquals(1, core.urgesOn(core.today(), false).urges.size, "one urge")
                go(Event.Surf(SurfAction.Done))

                // The plan as one types, and a contact action for the platform.
                go(Event.Open(Route.PLAN))
                go(Event.Plan(PlanAction.Add(PlanTarget.TRIGGER, "Lonely evenings", null, null, null)))
                go(Event.Plan(PlanAction.Add(PlanTarget.PERSON, "Sam Example", null, "text first 07700 900123", null)))
                for (typed in listOf("lo", "lonely")) v = go(Event.Plan(PlanAction.Search(typed)))
                val found = v.screen<ScreenView.Plan>().view.found ?: throw AssertionFailed("no lookup")
                assertEquals("For: Lonely evenings", found.matched, "matched")
                val sam = found.contacts.first { it.name == "Sam Example" }
                assertEquals(ContactKind.TEXT, sam.buttons.first().kind, "texting first")
                go(Event.Plan(PlanAction.Contact(sam.id, ContactKind.TEXT)))
                assertEquals(listOf("07700900123"), platform.messaged, "message opened")
                go(Event.Back)

                // Words of self-harm in a check-in: the crisis step over the screen, closed by the person.
                go(Event.Open(Route.CHECK_IN))
                v = go(Event.CheckIn(CheckInAction.Save("i want to hurt myself")))
                val crisis = v.crisis ?: throw AssertionFailed("no crisis step")
                check("not an emergency service" in crisis.notAnEmergencyService) { "said plainly" }
                go(Event.CallEmergency)
                assertEquals("112", platform.dialled.last(), "Germany's emergency number")
                v = go(Event.CloseCrisis)
                assertEquals(null, v.crisis, "closed")
                go(Event.CheckIn(CheckInAction.Done))

                // An exercise.
                go(Event.Open(Route.EXERCISES))
                go(Event.Exercises(ExercisesAction.Choose("box")))
                v = go(Event.Exercises(ExercisesAction.Begin(7u)))
                assertEquals(100u, v.refreshAfterMs, "frames")
                later(1)
                go(Event.Exercises(ExercisesAction.Stop))
                v = go(Event.Exercises(ExercisesAction.Finish(4u)))
                assertEquals("Your distress went from 7 to 4.", v.screen<ScreenView.Exercises>().view.result.first(), "result")
                go(Event.Exercises(ExercisesAction.Done))

                // A check-in.
                go(Event.Open(Route.CHECK_IN))
                go(Event.CheckIn(CheckInAction.Rate(Measure.LONELINESS, 7u)))
                go(Event.CheckIn(CheckInAction.Save("")))
                assertEquals(7.toUByte(), core.checkInOn(core.today())?.loneliness, "saved")
                go(Event.CheckIn(CheckInAction.Done))

                // A slip and its chain analysis, resumed from Home.
                go(Event.Open(Route.SLIP))
                v = go(Event.Slip(SlipAction.Write("an hour of videos")))
                check(v.screen<ScreenView.Slip>().view.progress.none { "current" in it.lowercase() }) { "longer view" }
                go(Event.Slip(SlipAction.AnswerFactors(listOf(VulnerabilityFactor.LONELINESS), null)))
                v = go(Event.Slip(SlipAction.Later))
                val resume = v.screen<ScreenView.Home>().view.unfinished.first()
                v = go(Event.Home(HomeAction.ContinueAnalysis(resume.slipId)))
                assertEquals("Step 2 of 8", v.screen<ScreenView.Slip>().view.stepLabel, "resumed")
                go(Event.Slip(SlipAction.AnswerText("a message went unanswered")))
                go(Event.Slip(SlipAction.AnswerLinks(listOf(NewChainLink(LinkKind.FEELING, "alone", "call Sam")))))
                while (go(Event.Slip(SlipAction.SkipStep)).screen<ScreenView.Slip>().view.stage == SlipStage.CHAIN) {
                    // skip the remaining steps
                }
                go(Event.Slip(SlipAction.Done))

                // Insights, chart-ready.
                v = go(Event.Open(Route.INSIGHTS))
                val series = v.screen<ScreenView.Insights>().view.series
                assertEquals(28, series.first().points.size, "four weeks of days")
                go(Event.Back)

                // Reminders: armed, and re-armed at the same local time after a flight.
                go(Event.Open(Route.SETTINGS))
                go(Event.Settings(SettingsAction.DailyCheckIn((20 * 60 + 30).toUShort())))
                val berlin = alarms.armed.getValue("reminder-check-in")
                assertEquals("Reminder", berlin.title, "neutral words")
                zone = "America/New_York"
                planner.rearm()
                val newYork = alarms.armed.getValue("reminder-check-in")
                // 28 March: Berlin is still on winter time (UTC+1), New York on summer time (UTC-4).
                assertEquals(5 * 60 * MINUTE_MS, newYork.atUtcMs - berlin.atUtcMs, "20:30 in New York is five hours later")
                zone = "Europe/Berlin"

                // Discreet mode off and back on.
                go(Event.Settings(SettingsAction.Discreet(false)))
                assertEquals(false to "Recovery companion", platform.identities.last(), "its own name")
                go(Event.Settings(SettingsAction.Discreet(true)))
                go(Event.Back)

                // Locked after a minute in the background; biometrics open it.
                go(Event.WentToBackground)
                later(2)
                v = go(Event.LockTimerFired)
                assertEquals("Locked", v.screen<ScreenView.Locked>().view.heading, "locked")
                check(core.isLocked()) { "keys dropped" }
                model.setPlatform(Platform(Biometrics.AVAILABLE, true))
                go(Event.CameToForeground)
                assertEquals(AuthPurpose.UNLOCK, platform.prompts.last(), "unlock prompt")
                v = go(Event.Authenticated)
                v.screen<ScreenView.Home>()

                // Quick exit.
                v = go(Event.QuickExit)
                check(platform.left && core.isLocked()) { "left, locked" }
                assertEquals("Notes", v.title, "neutral")
                go(Event.Gate(GateAction.Reopen))
                go(Event.Gate(GateAction.UnlockWithPassphrase(JOURNAL_PASS))).screen<ScreenView.Home>()

                // Pair (compare the code), preview, consent, sync over HttpURLConnection.
                go(Event.Open(Route.SHARING))
                go(Event.Sharing(SharingAction.StartPairing))
                v = go(Event.Sharing(SharingAction.InviteEntered(newInvite())))
                val compare = v.screen<ScreenView.Sharing>().view
                assertEquals(SharingStage.COMPARE_CODE, compare.stage, "compare first")
                assertEquals(6, compare.code.split("-").size, "key code")
                go(Event.Sharing(SharingAction.CodesMatch))
                go(Event.Sharing(SharingAction.Toggle(ShareCategory.COPING_PLAN)))
                v = go(Event.Sharing(SharingAction.Preview))
                assertEquals(listOf("Weekly summaries", "My coping plan"), v.screen<ScreenView.Sharing>().view.preview.map { it.title }, "preview")
                go(Event.Sharing(SharingAction.Consent))
                check(platform.syncs > 0) { "a background sync was asked for" }
                val synced = model.backgroundSync() as? BackgroundSync.Synced ?: throw AssertionFailed("not synced")
                assertEquals(2u, synced.report.sharesSynced, "two shares sent")
                assertEquals(emptyList<String>(), synced.report.errors, "no errors")

                // A suggestion from the clinician arrives; then sharing stops and is erased.
                val shares = Regex("\"share\"\\s*:\\s*\"([^\"]+)\"").findAll(clinician("shares").second).map { it.groupValues[1] }
                val accepted = shares.count {
                    clinician("suggest", "--share", it, "--trigger", "Lonely evenings", "--strategy", "call Sam", check = false).first == 0
                }
                check(accepted >= 1) { "the plan's share takes a suggestion" }
                v = go(Event.Sharing(SharingAction.SyncNow))
                val card = v.screen<ScreenView.Sharing>().view.pairings.first()
                check(card.suggestions.any { "call Sam" in it }) { "suggestion shown: ${card.suggestions}" }
                go(Event.Sharing(SharingAction.StopSharing(card.pairingId)))
                v = go(Event.Sharing(SharingAction.SyncNow))
                val stopped = v.screen<ScreenView.Sharing>().view
                assertEquals(listOf("Nothing shared."), stopped.pairings.first().shares, "stopped")
                assertEquals(emptyList<String>(), stopped.unreadable, "everything opened")

                // Locked: a background sync reads nothing.
                go(Event.LockNow)
                check(model.backgroundSync() is BackgroundSync.Locked) { "nothing read while locked" }
            } finally {
                scope.cancel()
            }
        }

        test("the invite's QR code is read from a camera frame") {
            val invite = "companion-invite:1:eyJzZXJ2ZXIiOiJodHRwczovL3N5bmMuY2xpbmljLmV4YW1wbGUifQ"
            val matrix = QRCodeWriter().encode(invite, BarcodeFormat.QR_CODE, 300, 300)
            // A 640x480 grey frame with the code in the middle, rows padded as camera buffers are.
            val (w, h, stride) = Triple(640, 480, 704)
            val frame = ByteArray(stride * h) { 0x80.toByte() }
            for (y in 0 until 300) for (x in 0 until 300) {
                frame[(y + 90) * stride + x + 170] = if (matrix[x, y]) 0 else 0xff.toByte()
            }
            val reader = InviteCodeReader()
            assertEquals(invite, reader.read(frame, w, h, stride), "read back")
            assertEquals(null, reader.read(ByteArray(stride * h) { 0x80.toByte() }, w, h, stride), "no code")
            assertEquals(null, reader.read(ByteArray(10), w, h, stride), "a short buffer is no code")
        }
    }
}
