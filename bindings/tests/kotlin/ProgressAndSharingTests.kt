// Slips and chain analysis, check-ins, goals, insights, and sharing with a clinician, from
// Kotlin. The sharing tests talk to the sync server and the clinician reader started by
// run-foreign-tests.sh, through a transport written in Kotlin (java.net.http), as an Android app
// would with its own HTTP stack.
package app.companion.tests

import app.companion.CompanionException
import app.companion.GoalFrame
import app.companion.HttpCall
import app.companion.HttpReply
import app.companion.SyncTransport
import app.companion.TransportFailure
import app.companion.chainStepText
import app.companion.consentWording
import app.companion.consentWordingVersion
import app.companion.readInvite
import app.companion.slipGuide
import app.companion.core.ChainAnswer
import app.companion.core.ChainStatus
import app.companion.core.ChainStep
import app.companion.core.CheckInEdit
import app.companion.core.CheckInField
import app.companion.core.ConsentRequest
import app.companion.core.DaySpan
import app.companion.core.GoalEdit
import app.companion.core.GoalMeasure
import app.companion.core.GoalState
import app.companion.core.LinkAlternative
import app.companion.core.LinkKind
import app.companion.core.NewChainLink
import app.companion.core.NewCheckIn
import app.companion.core.NewGoal
import app.companion.core.NewSlip
import app.companion.core.NewUrge
import app.companion.core.Outcome
import app.companion.core.PlanEdit
import app.companion.core.PlanPart
import app.companion.core.ReceiptAction
import app.companion.core.ShareCategory
import app.companion.core.ShareState
import app.companion.core.SlipEdit
import app.companion.core.SummaryOptions
import app.companion.core.Vulnerability
import app.companion.core.VulnerabilityFactor
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.SecureRandom
import java.time.DayOfWeek
import java.time.Duration
import java.util.Base64
import kotlinx.coroutines.runBlocking

private const val DAY_MS = 24 * HOUR_MS

/** The clinician reader against the test server; its standard output. */
internal fun clinician(vararg args: String, check: Boolean = true): Pair<Int, String> {
    val bin = System.getenv("COMPANION_CLINICIAN_BIN")
        ?: throw AssertionFailed("run through run-foreign-tests.sh, which starts a sync server")
    val p = ProcessBuilder(listOf(bin, "--json") + args).redirectErrorStream(false).start()
    val out = p.inputStream.bufferedReader().readText()
    p.errorStream.readAllBytes()
    val code = p.waitFor()
    if (check && code != 0) throw AssertionFailed("companion-clinician ${args.toList()} exited with $code")
    return code to out
}

internal fun newInvite(): String =
    Regex("\"invite\":\"([^\"]+)\"").find(clinician("invite").second)?.groupValues?.get(1)
        ?: throw AssertionFailed("no invite printed")

/** The app's own HTTP stack: every answer is returned, whatever its status. */
private open class JavaHttpTransport : SyncTransport {
    private val client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
    val sent = mutableListOf<HttpCall>()

    override fun send(request: HttpCall): HttpReply {
        synchronized(sent) { sent += request }
        val body = if (request.method == "GET") HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofByteArray(request.body)
        val builder = HttpRequest.newBuilder(URI.create(request.url)).timeout(Duration.ofSeconds(30)).method(request.method, body)
        for (h in request.headers) {
            // java.net.http sets these itself and refuses them from callers.
            if (h.name.lowercase() !in setOf("host", "content-length", "connection", "expect", "upgrade")) {
                builder.header(h.name, h.value)
            }
        }
        return try {
            val response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
            HttpReply(status = response.statusCode().toUShort(), body = response.body())
        } catch (e: java.io.IOException) {
            throw TransportFailure.Unreachable(e.toString())
        }
    }
}

/** A man in the middle who swaps the clinician's key in the registration answer. */
private class KeySwappingTransport : JavaHttpTransport() {
    override fun send(request: HttpCall): HttpReply {
        val reply = super.send(request)
        if (request.method == "POST" && request.url.endsWith("/v1/devices") && reply.status.toInt() == 201) {
            val fake = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteArray(32).also { SecureRandom().nextBytes(it) })
            val swapped = String(reply.body).replace(Regex("\"public_key\":\"[^\"]*\""), "\"public_key\":\"$fake\"")
            return HttpReply(status = reply.status, body = swapped.toByteArray())
        }
        return reply
    }
}

private class UnreachableTransport : SyncTransport {
    override fun send(request: HttpCall): HttpReply = throw TransportFailure.Unreachable("no network in the test")
}

private class CrashingTransport : SyncTransport {
    override fun send(request: HttpCall): HttpReply = throw IllegalStateException("a bug in the app's HTTP code")
}

fun registerProgressAndSharingTests() {
    Tests.group("slips") {
        test("a slip and its chain analysis feed the plan") {
            newStore().use { core ->
                val urge = core.logUrge(NewUrge(intensity = 8u, outcome = Outcome.ACTED, occurred = core.stampAt(NOW_MS - 3 * HOUR_MS)))
                var slip = core.logSlip(NewSlip(what = "Sam Example's words about the evening", urge = urge.id))
                assertEquals(urge.occurred, slip.occurred, "dated by the urge")
                val guide = slipGuide(slip)
                assertEquals(ChainStatus.NotStarted, guide.status, "not started")
                assertEquals(ChainStep.VULNERABILITIES, guide.nextStep, "first step")
                check(guide.compassionPrompt.isNotEmpty()) { "a self-compassion prompt" }
                check("vulnerable" in chainStepText(ChainStep.VULNERABILITIES).question) { "question" }

                slip = core.answerChain(slip.id, ChainAnswer.Vulnerabilities(listOf(Vulnerability(VulnerabilityFactor.SLEEP, "four hours"))))
                assertEquals(ChainStatus.InProgress(ChainStep.PROMPTING_EVENT), slipGuide(slip).status, "in progress")
                assertEquals(listOf(slip.id), core.unfinishedChainAnalyses().slips.map { it.id }, "unfinished")
                core.answerChain(slip.id, ChainAnswer.PromptingEvent("an advert late at night"))
                core.answerChain(
                    slip.id,
                    ChainAnswer.Links(
                        listOf(
                            NewChainLink(LinkKind.THOUGHT, "just one look", null),
                            NewChainLink(LinkKind.ACTION, "kept scrolling", "put the phone in the kitchen"),
                        ),
                    ),
                )
                core.answerChain(slip.id, ChainAnswer.Alternatives(listOf(LinkAlternative(0u, "text Sam Example"))))
                core.answerChain(slip.id, ChainAnswer.Consequences("tired and low the next day"))
                core.answerChain(slip.id, ChainAnswer.Skip(ChainStep.REPAIR))
                core.answerChain(slip.id, ChainAnswer.Commitment("phone out of the bedroom"))
                slip = core.answerChain(slip.id, ChainAnswer.SelfCompassion("I am learning"))
                assertEquals(ChainStatus.Complete, slipGuide(slip).status, "complete")
                check(slip.chainCompleted != null) { "completion time" }

                val strategy = slipGuide(slip).planSuggestions.first { it.part == PlanPart.STRATEGY }
                val added = core.addToPlanFromSlip(slip.id, strategy)
                check(strategy.text in added.slip.planAdditions.map { it.text }) { "remembered on the slip" }
                val strategies = (added.plan.triggers + added.plan.warningSigns).flatMap { it.strategies }.map { it.text }
                check(strategy.text in strategies) { "in the plan: $strategies" }

                val edited = core.editSlip(slip.id, SlipEdit(what = "new words", unlinkUrge = true))
                assertEquals(null, edited.urge, "unlinked")
                assertEquals("new words", core.slip(slip.id).what, "edited")
                assertEquals(listOf(slip.id), core.slips(TODAY, TODAY).slips.map { it.id }, "listed")
                assertThrows<CompanionException.InvalidInput> { core.logSlip(NewSlip(what = "   ")) }
                core.deleteSlip(slip.id)
                assertThrows<CompanionException.NotFound> { core.slip(slip.id) }
            }
        }
    }

    Tests.group("check-ins and goals") {
        test("check-ins") {
            newStore().use { core ->
                val saved = core.checkIn(NewCheckIn(mood = 6u, stress = 7u, loneliness = 4u, sleep = 5u, note = "a long day"))
                check(!saved.updated) { "new" }
                assertEquals(TODAY, saved.checkIn.day, "today")
                val again = core.checkIn(NewCheckIn(mood = 7u))
                check(again.updated) { "the same day is updated" }
                assertEquals(7.toUByte(), core.checkInOn(TODAY)?.mood, "mood")
                assertEquals(null, core.checkInOn(TODAY.minusDays(1)), "no check-in yesterday")
                val edited = core.editCheckIn(saved.checkIn.id, CheckInEdit(sleep = 8u, clear = listOf(CheckInField.NOTE)))
                assertEquals(8.toUByte() to null, edited.sleep to edited.note, "edited")
                assertEquals(edited, core.checkInById(saved.checkIn.id), "by id")
                assertEquals(listOf(saved.checkIn.id), core.checkIns(TODAY.minusDays(7), TODAY, true).checkIns.map { it.id }, "listed")
                assertEquals("mood", assertThrows<CompanionException.InvalidInput> { core.checkIn(NewCheckIn(mood = 11u)) }.field, "field")
                core.deleteCheckIn(saved.checkIn.id)
                assertThrows<CompanionException.NotFound> { core.checkInById(saved.checkIn.id) }
            }
        }

        test("goals count progress") {
            newStore().use { core ->
                val week = core.goalTimeFrame(GoalFrame.ThisWeek)
                assertEquals(DayOfWeek.MONDAY, week.from.dayOfWeek, "Monday")
                assertEquals(TODAY.withDayOfMonth(1), core.goalTimeFrame(GoalFrame.ThisMonth).from, "month")
                val ten = core.goalTimeFrame(GoalFrame.NextDays(10u))
                assertEquals(TODAY.plusDays(9), ten.to, "ten days")

                val tracked = core.createGoal(NewGoal(text = "Ride out three urges", measure = GoalMeasure.UrgesSurfed, target = 3u, end = week.to))
                assertEquals(0u, tracked.progress.current, "none yet")
                core.logUrge(NewUrge(intensity = 5u, outcome = Outcome.SURFED))
                assertEquals(1u, core.goal(tracked.goal.id).progress.current, "counted from the log")

                var walks = core.createGoal(
                    NewGoal(text = "Evening walks", why = "clears my head", measure = GoalMeasure.Manual("walks"), target = 2u, end = ten.to),
                )
                walks = core.addGoalProgress(walks.goal.id, 1u, null)
                walks = core.addGoalProgress(walks.goal.id, 1u, TODAY)
                assertEquals(GoalState.REACHED, walks.progress.state, "reached")
                walks = core.undoGoalProgress(walks.goal.id)
                assertEquals(1u to 50u, walks.progress.current to walks.progress.percent, "undone")
                check(core.editGoal(walks.goal.id, GoalEdit(archived = true)).goal.archived) { "archived" }
                assertEquals(listOf(tracked.goal.id), core.goals(false).goals.map { it.goal.id }, "current goals")
                assertEquals(2, core.goals(true).goals.size, "with archived")
                assertThrows<CompanionException.InvalidInput> {
                    core.createGoal(NewGoal(text = "x", measure = GoalMeasure.UrgesLogged, target = 0u, end = week.to))
                }
                core.deleteGoal(walks.goal.id)
                assertThrows<CompanionException.NotFound> { core.goal(walks.goal.id) }
            }
        }
    }

    Tests.group("insights") {
        test("insights, progress and weekly summaries") {
            newStore().use { core ->
                for ((daysAgo, intensity, outcome) in listOf(Triple(1, 6, Outcome.SURFED), Triple(2, 8, Outcome.ACTED), Triple(9, 4, Outcome.SURFED))) {
                    core.logUrge(
                        NewUrge(intensity = intensity.toUByte(), outcome = outcome, triggers = listOf("lonely"), occurred = core.stampAt(NOW_MS - daysAgo * DAY_MS)),
                    )
                }
                core.checkIn(NewCheckIn(mood = 5u, stress = 6u))
                val week = DaySpan(from = TODAY.minusDays(6), to = TODAY)
                val report = core.insights(week)
                val u = report.insights.urges
                assertEquals(listOf(2u, 1u, 1u), listOf(u.total, u.surfed, u.acted), "urges")
                assertEquals(8.toUByte(), u.intensityPeak, "peak")
                assertEquals("lonely", report.insights.topTriggers[0].trigger, "top trigger")
                assertEquals(1u, report.insights.actingOut.events, "acting out")

                val progress = core.progress().progress
                assertEquals(listOf(3u, 2u, 1u), listOf(progress.urgesTotal, progress.urgesSurfedTotal, progress.actingOutTotal), "progress")

                val summaries = core.weeklySummaries(week, SummaryOptions(includeTriggerNames = true)).summaries
                assertEquals(listOf(TODAY.minusDays(12), TODAY.minusDays(5)), summaries.map { it.weekStart }, "whole weeks")
                assertEquals(listOf(1u, 2u), summaries.map { it.urges }, "urges per week")
                assertEquals("lonely", summaries.last().topTriggers?.first()?.trigger, "trigger names when asked")

                val times = core.checkInTimes(4u)
                check("urge" !in times.message.lowercase()) { "neutral check-in text" }
                assertEquals(0, core.strategyEffectiveness(week).triggers.size, "no strategies named")
                val bad = assertThrows<CompanionException.InvalidInput> { core.insights(DaySpan(from = TODAY, to = TODAY.minusDays(1))) }
                assertEquals("date range", bad.field, "field")
            }
        }
    }

    Tests.group("sharing") {
        test("pair, consent, sync, suggestions and withdrawal") {
            newStore().use { core ->
                val invite = newInvite()
                val info = readInvite(invite)
                assertEquals("Dr Sam Example", info.clinicianName, "clinician")
                assertEquals(6, info.fingerprint.split("-").size, "fingerprint groups")

                assertThrows<CompanionException.Offline> { core.pairWithClinician(invite, UnreachableTransport()) }
                val crashed = assertThrows<CompanionException.Offline> { core.pairWithClinician(invite, CrashingTransport()) }
                check("a bug in the app's HTTP code" in crashed.detail) { crashed.detail }
                assertThrows<CompanionException.KeyMismatch> { core.pairWithClinician(invite, KeySwappingTransport()) }
                assertEquals(0, core.pairings().pairings.size, "nothing kept")
                val used = assertThrows<CompanionException.ServerRefused> { core.pairWithClinician(invite, JavaHttpTransport()) }
                check(used.status.toInt() >= 400) { "status ${used.status}" }
                assertEquals("invite", assertThrows<CompanionException.InvalidInput> { readInvite("not an invite") }.field, "field")

                val transport = JavaHttpTransport()
                val pairing = core.pairWithClinician(newInvite(), transport)
                assertEquals(info.fingerprint, pairing.fingerprint, "same clinician")
                assertEquals(listOf(pairing), core.pairings().pairings, "paired")

                core.logUrge(NewUrge(intensity = 5u, triggers = listOf("lonely"), note = "canary-note-sam-example"))
                core.editPlan(listOf(PlanEdit.AddTrigger("lonely")))
                check(consentWording(ShareCategory.URGES).isNotEmpty() && consentWordingVersion().isNotEmpty()) { "wording" }
                val preview = core.previewConsent(listOf(ShareCategory.URGES), true)
                assertEquals(1u, preview[0].entries, "previewed entries")
                check("canary-note" !in preview[0].json && "notes" in preview[0].neverSent) { "notes never sent" }

                val categories = listOf(ShareCategory.WEEKLY_SUMMARIES, ShareCategory.URGES, ShareCategory.COPING_PLAN)
                assertEquals(3, core.grantConsent(ConsentRequest(pairing.id, categories, true, null)).size, "shares")
                val report = core.sync(transport, true)
                assertEquals(3u, report.sharesSynced, "synced")
                assertEquals(emptyList<String>(), report.errors, "errors")
                check(transport.sent.none { String(it.body, Charsets.ISO_8859_1).contains("canary-note") }) { "no unconsented byte" }

                val read = clinician("read").second
                check("lonely" in read && "canary-note" !in read) { "the clinician reads what was consented" }
                val shareIds = Regex("\"share\"\\s*:\\s*\"([^\"]+)\"").findAll(clinician("shares").second).map { it.groupValues[1] }.toList()
                val suggested = shareIds.count { id ->
                    clinician("suggest", "--share", id, "--trigger", "lonely", "--strategy", "text Sam Example", check = false).first == 0
                }
                check(suggested >= 1) { "one share is the plan" }

                val pulled = runBlocking { core.syncAsync(null, true) }
                check(pulled.suggestions.any { "text Sam Example" in it }) { "suggestion: ${pulled.suggestions}" }
                val planShare = core.shares().shares.first { it.category == ShareCategory.COPING_PLAN }
                assertEquals("Dr Sam Example", planShare.suggestions[0].from, "suggested by")
                check("text Sam Example" in core.plan().plan.triggers[0].strategies.map { it.text }) { "merged into the plan" }

                val withdrawn = core.withdrawConsent(pairing.id, listOf(ShareCategory.URGES))
                assertEquals(listOf(ShareState.WITHDRAWN), withdrawn.map { it.state }, "withdrawn")
                assertEquals(1u, core.sync(transport, true).sharesErased, "erased on the server")
                val states = core.shares().shares.associate { it.category to it.state }
                assertEquals(ShareState.ERASED, states[ShareCategory.URGES], "erased here")
                assertEquals(ShareState.ACTIVE, states[ShareCategory.COPING_PLAN], "others go on")
                val receipts = core.consentReceipts().receipts
                assertEquals(3, receipts.count { it.action == ReceiptAction.GRANTED }, "grants")
                assertEquals(1, receipts.count { it.action == ReceiptAction.WITHDRAWN }, "withdrawal")
            }
        }

        test("pairing as a coroutine") {
            newStore().use { core ->
                val pairing = runBlocking { core.pairWithClinicianAsync(newInvite(), null) }
                assertEquals("Dr Sam Example", pairing.clinicianName, "paired with the built-in client")
            }
        }
    }
}
