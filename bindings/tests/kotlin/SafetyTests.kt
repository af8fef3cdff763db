// Safety first, from Kotlin: the risk check over the project's phrase lists, the crisis step
// before anything else, next steps after a strong urge, and the slip offered after acting.
package app.companion.tests

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.aboutText
import app.companion.assessRisk
import app.companion.emergencyNumberForRegion
import app.companion.nextStepTitle
import app.companion.core.ChainAnswer
import app.companion.core.LookupQuery
import app.companion.core.NewSlip
import app.companion.core.PlanPart
import app.companion.core.Vulnerability
import app.companion.core.VulnerabilityFactor
import app.companion.core.NewUrge
import app.companion.core.NextStepOffer
import app.companion.core.Outcome
import app.companion.core.PlanEdit
import app.companion.core.RecordKind
import app.companion.core.RegionSource
import app.companion.core.RiskConcern
import app.companion.core.SafetySettings
import app.companion.core.StrategyKind
import app.companion.core.SurfEnd
import app.companion.core.SurfOutcome
import app.companion.core.SurfStart
import java.io.File

/** The core's phrase list `name` (core/src/safety/phrases), found from the working directory up. */
private fun phrases(name: String): List<String> {
    var dir: File? = File("").absoluteFile
    while (dir != null) {
        val f = File(dir, "core/src/safety/phrases/$name")
        if (f.isFile) return f.readLines().map { it.trim() }.filter { it.isNotEmpty() && !it.startsWith("#") }
        dir = dir.parentFile
    }
    throw AssertionFailed("phrase list $name not found above ${File("").absolutePath}")
}

private fun buildSafetyPlan(core: CompanionCore) {
    val lonely = core.editPlan(listOf(PlanEdit.AddTrigger(name = "Lonely"))).added[0]
    core.editPlan(
        listOf(
            PlanEdit.AddStrategy(forItem = lonely, text = "Go to the climbing gym", kind = StrategyKind.VALUED_ACTIVITY),
            PlanEdit.AddPerson(name = "Brother Example", how = "+00 0000 0003", availability = emptyList()),
            PlanEdit.AddProfessional(name = "Example Crisis Line", how = "000", availability = emptyList(), crisisLine = true),
        ),
    )
}

fun registerSafetyTests() {
    Tests.group("safety") {
        test("every phrasing that must trigger does, none that must not") {
            val must = phrases("must_trigger.txt")
            val mustNot = phrases("must_not_trigger.txt")
            check(must.size >= 60 && mustNot.size >= 40) { "list sizes ${must.size}, ${mustNot.size}" }
            assertEquals(emptyList<String>(), must.filter { assessRisk(it) == null }, "missed")
            assertEquals(emptyList<String>(), mustNot.filter { assessRisk(it) != null }, "flagged")
            assertEquals(RiskConcern.SELF_HARM, assessRisk("I want to hurt myself"), "concern")
            check(aboutText().contains("not an emergency service")) { "about" }
            assertEquals("999", emergencyNumberForRegion("GB")?.number, "chosen region")
        }

        test("risk words lead to the crisis step first, in every text and in the lookup") {
            newStore().use { core ->
                buildSafetyPlan(core)
                for (phrase in phrases("must_trigger.txt").take(12)) {
                    val step = core.checkWords(listOf(phrase)) ?: throw AssertionFailed("no crisis step for $phrase")
                    assertEquals("This app is not an emergency service.", step.notAnEmergencyService, "words")
                    assertEquals("Example Crisis Line", step.contacts[0].contact.name, "crisis line first")
                    check(core.findInPlan(LookupQuery(text = phrase)).crisis != null) { "lookup: $phrase" }
                }
                check(core.checkWords(listOf("dying to see her")) == null) { "idiom" }
                assertEquals("DE", core.emergencyNumber().region, "region from the time zone")
                assertEquals("112", core.crisisStep().emergency.number, "emergency number")
            }
        }

        test("the chosen emergency number and high mark are kept and used") {
            newStore().use { core ->
                buildSafetyPlan(core)
                assertEquals(SafetySettings(null, null, null), core.safetySettings(), "nothing chosen")
                assertEquals(8.toUByte(), core.highMark(), "default high mark")
                val stored = core.setSafetySettings(SafetySettings(emergencyRegion = "gb", ownEmergencyNumber = null, highMark = 6u))
                assertEquals("GB", stored.emergencyRegion, "stored upper-case")
                assertEquals(RegionSource.CHOSEN, core.emergencyNumber().source, "chosen")
                assertEquals("999", core.checkWords(listOf("kms"))?.emergency?.number, "in the crisis step")
                val urge = core.logUrge(NewUrge(intensity = 6u, triggers = listOf("lonely")))
                check(core.afterUrge(urge.id).steps.first() is NextStepOffer.SurfNow) { "6 is strong now" }
                core.setSafetySettings(SafetySettings(emergencyRegion = null, ownEmergencyNumber = "+99 123", highMark = null))
                assertEquals("+99 123", core.emergencyNumber().number, "own number")
                assertThrows<CompanionException.InvalidInput>("unknown region") {
                    core.setSafetySettings(SafetySettings(emergencyRegion = "XX", ownEmergencyNumber = null, highMark = null))
                }
                assertEquals("+99 123", core.safetySettings().ownEmergencyNumber, "nothing stored when refused")
            }
        }

        test("risk words flag the entry, and the flag outlives the app") {
            newStore().use { core ->
                val urge = core.logUrge(NewUrge(intensity = 2u, note = "i wnat to die"))
                assertEquals(RiskConcern.SUICIDE, urge.risk, "flagged")
                assertEquals(null, core.logUrge(NewUrge(intensity = 2u, note = "this deadline is killing me")).risk, "idiom")
                val slip = core.logSlip(NewSlip(what = "I want to hurt myself", occurred = null, urge = null))
                assertEquals(RiskConcern.SELF_HARM, slip.risk, "slip")
                val flagged = core.flaggedEntries(null, null)
                val found = flagged.entries.map { it.kind to it.id }.toSet()
                assertEquals(setOf(RecordKind.URGE to urge.id, RecordKind.SLIP to slip.id), found, "both flagged")
                assertEquals(RiskConcern.SUICIDE, core.urge(urge.id).risk, "read back")
            }
        }

        test("slip suggestions leave out what the plan holds, never shame as a reason, and say why") {
            newStore().use { core ->
                buildSafetyPlan(core)
                val slip = core.logSlip(NewSlip(what = "watched porn for hours", occurred = null, urge = null))
                val lonely = Vulnerability(factor = VulnerabilityFactor.LONELINESS, note = null)
                core.answerChain(slip.id, ChainAnswer.Vulnerabilities(items = listOf(lonely)))
                core.answerChain(slip.id, ChainAnswer.Consequences(text = "felt empty and ashamed"))
                val offered = core.slipPlanSuggestions(slip.id)
                check(offered.none { it.text == "lonely" }) { "near-duplicate offered: $offered" }
                check(offered.none { it.part == PlanPart.REASON }) { "shame offered as a reason" }
                check(offered.all { it.why.isNotEmpty() }) { "each says why" }
                assertEquals(slip.id, core.slipToAnalyze(), "the slip to analyse")
                check(core.progress().sentencesAfterSlip.none { it.contains("Current stretch") }) { "after a slip" }
                assertEquals("Lonely", core.resolvePlanEntry("loneliness").words, "by meaning")
                assertEquals(4, core.planEntries().size, "entries")
                check(core.planJson().contains("\"triggers\"")) { "json" }
            }
        }

        test("a strong urge offers surfing, the plan, a person, then crisis lines; acting offers the slip") {
            newStore().use { core ->
                buildSafetyPlan(core)
                val urge = core.logUrge(NewUrge(intensity = 9u, triggers = listOf("lonely"), note = "so horny tonight"))
                val after = core.afterUrge(urge.id)
                check(after.risk == null) { "no risk words" }
                val steps = after.steps
                check(steps[0] is NextStepOffer.SurfNow && steps[1] is NextStepOffer.PlanStrategy) { "$steps" }
                check(steps[2] is NextStepOffer.ReachOut && steps[3] is NextStepOffer.CrisisLines) { "$steps" }
                check(nextStepTitle(steps[2]).contains("+00 0000 0003")) { "how to reach" }
                val session = core.startSurf(SurfStart(urge = (steps[0] as NextStepOffer.SurfNow).urge, intensity = 9u))
                val ended = core.endSurf(session.id, SurfEnd(outcome = SurfOutcome.ACTED, intensity = null, note = null, strategies = emptyList()))
                assertEquals(1, core.urgesOn(TODAY, false).urges.size, "one entry")
                val slip = core.afterSurf(ended.id).steps.single()
                check(slip is NextStepOffer.LogSlip && slip.urge == urge.id) { "$slip" }
                val acted = core.logUrge(NewUrge(intensity = 4u, outcome = Outcome.ACTED))
                check(core.afterUrge(acted.id).steps.single() is NextStepOffer.LogSlip) { "acted" }
                val risky = core.logUrge(NewUrge(intensity = 1u, note = "i want to kms"))
                check(core.afterUrge(risky.id).steps.first() is NextStepOffer.Crisis) { "crisis first at intensity 1" }
            }
        }
    }
}
