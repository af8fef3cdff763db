// The coping plan from Kotlin: edits by id and by name, typo-tolerant lookups, the in-memory
// PlanFinder, strategy uses that teach the ranking, and merging two copies.
package app.companion.tests

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.PlanEditResult
import app.companion.guessStrategyKind
import app.companion.parseAvailability
import app.companion.core.DayRange
import app.companion.core.ItemKind
import app.companion.core.LookupQuery
import app.companion.core.MatchHow
import app.companion.core.NewUrge
import app.companion.core.PlanChange
import app.companion.core.PlanEdit
import app.companion.core.StrategyKind
import app.companion.core.StrategySource
import app.companion.core.UseContext

private class BuiltPlan(val lonely: String, val scrolling: String, val edited: PlanEditResult)

private fun buildPlan(core: CompanionCore): BuiltPlan {
    val first = core.editPlan(listOf(PlanEdit.AddTrigger(name = "lonely"), PlanEdit.AddWarningSign(name = "scrolling late at night")))
    val (lonely, scrolling) = first.added
    val second = core.editPlan(
        listOf(
            PlanEdit.AddStrategy(forItem = lonely, text = "call Sam Example", kind = null),
            PlanEdit.AddStrategy(forItem = lonely, text = "go for a run", kind = StrategyKind.VALUED_ACTIVITY),
            PlanEdit.AddStrategy(forItem = null, text = "wait fifteen minutes", kind = StrategyKind.DELAY),
            PlanEdit.AddPerson(name = "Sam Example", how = "555-0100", availability = listOf(parseAvailability("daily 18-22"))),
            PlanEdit.AddProfessional(name = "Example crisis line", how = "000", availability = emptyList(), crisisLine = true),
            PlanEdit.AddDistraction(text = "the climbing gym"),
            PlanEdit.AddEnvironmentChange(text = "the phone charges in the kitchen"),
            PlanEdit.AddReason(text = "to be present with my family"),
        ),
    )
    return BuiltPlan(lonely, scrolling, second)
}

fun registerPlanTests() {
    Tests.group("plan") {
        test("an empty plan offers suggestions") {
            newStore().use { core ->
                val listing = core.plan()
                check(listing.plan.triggers.isEmpty()) { "empty" }
                assertEquals(0, listing.unreadable.size, "unreadable")
                val found = core.findInPlan(LookupQuery(text = "lonely"))
                check(found.strategies.isNotEmpty()) { "suggestions offered" }
                check(found.strategies.all { it.source == StrategySource.SUGGESTION && it.id == null }) { "marked as suggestions" }
            }
        }

        test("edit the plan and look up strategies") {
            newStore().use { core ->
                val built = buildPlan(core)
                val plan = built.edited.plan
                assertEquals(listOf("lonely"), plan.triggers.map { it.name }, "triggers")
                assertEquals(ItemKind.WARNING_SIGN, plan.warningSigns[0].kind, "warning sign")
                val (call, run) = plan.triggers[0].strategies
                assertEquals(StrategyKind.REACH_OUT, call.kind, "guessed kind")
                assertEquals(StrategyKind.REACH_OUT, guessStrategyKind("call Sam Example"), "guess")
                assertEquals(8, built.edited.added.size, "added ids")
                assertEquals((18 * 60).toUShort(), plan.people[0].availability[0].fromMinute, "availability")

                val found = core.findInPlan(LookupQuery(text = "feeling lonley tonight", intensity = 8u))
                check(found.highIntensity) { "high intensity" }
                assertEquals(built.lonely, found.matched[0].id, "matched trigger")
                assertEquals(MatchHow.FULL, found.matched[0].how, "how")
                assertEquals("call Sam Example", found.strategies[0].text, "reach out first")
                assertEquals("Example crisis line", found.contacts[0].contact.name, "crisis line first")
                check(!found.contacts[1].reachableNow) { "Sam Example is reachable 18-22; it is 11:00" }
                assertEquals("to be present with my family", found.reasons[0].text, "reasons")

                val finder = core.planFinder()
                assertEquals(plan, finder.plan(), "finder plan")
                val tapped = finder.find(LookupQuery(text = "", item = built.lonely, limit = 1u))
                assertEquals(1, tapped.strategies.size, "limit")
                assertEquals(MatchHow.TAPPED, tapped.matched[0].how, "tapped")

                val changed = core.editPlan(
                    listOf(
                        PlanEdit.Move(id = run.id, position = 0u),
                        PlanEdit.Rename(id = built.lonely, text = "loneliness"),
                        PlanEdit.SetKind(id = run.id, kind = StrategyKind.DISTRACT),
                        PlanEdit.SetHow(id = plan.people[0].id, how = null),
                        PlanEdit.SetAvailability(id = plan.people[0].id, availability = emptyList()),
                        PlanEdit.SetCrisisLine(id = plan.professionals[0].id, crisisLine = false),
                        PlanEdit.Remove(id = built.scrolling),
                    ),
                ).plan
                assertEquals(listOf("go for a run", "call Sam Example"), changed.triggers[0].strategies.map { it.text }, "moved")
                assertEquals("loneliness", changed.triggers[0].name, "renamed")
                assertEquals(null, changed.people[0].how, "how cleared")
                check(changed.warningSigns.isEmpty()) { "removed" }
                assertEquals(changed, core.plan().plan, "stored")

                core.applyPlanChange(PlanChange.AddStrategy(forItem = "stressed", text = "box breathing", kind = StrategyKind.GROUND_OR_BREATHE))
                core.applyPlanChange(PlanChange.AddTrigger(name = "Loneliness"))
                core.applyPlanChange(PlanChange.AddWarningSign(text = "skipping meals"))
                core.applyPlanChange(PlanChange.AddEnvironmentChange(text = "no phone in the bedroom"))
                core.applyPlanChange(PlanChange.AddReason(text = "my health"))
                val after = core.plan().plan
                assertEquals(listOf("loneliness", "stressed"), after.triggers.map { it.name }.sorted(), "by name, no duplicate")
                assertEquals(2, after.environment.size, "environment")

                assertEquals("edit", assertThrows<CompanionException.InvalidInput> { core.editPlan(emptyList()) }.field, "field")
                assertEquals(
                    "availability",
                    assertThrows<CompanionException.InvalidInput> { parseAvailability("whenever Sam Example is free") }.field,
                    "field",
                )
                assertThrows<CompanionException.InvalidInput> { core.editPlan(listOf(PlanEdit.Remove(id = "0".repeat(26)))) }
            }
        }

        test("strategy uses teach the ranking") {
            newStore().use { core ->
                val built = buildPlan(core)
                val run = built.edited.plan.triggers[0].strategies[1]
                val use = core.startStrategy(run.id, UseContext(forItem = built.lonely, intensity = 6u))
                assertEquals("go for a run", use.strategyText, "text")
                assertEquals(true, core.finishStrategy(use.id, true).helped, "helped")
                val urge = core.logUrge(NewUrge(intensity = 4u, triggers = listOf("lonely")))
                assertEquals(urge.id, core.linkStrategyUse(use.id, urge.id).urge, "linked")
                assertEquals(listOf(use.id), core.strategyUses(DayRange(from = TODAY, to = TODAY)).uses.map { it.id }, "uses")
                val overall = core.strategyStats(DayRange()).overall
                assertEquals(listOf(Triple("go for a run", 1u, 1u)), overall.map { Triple(it.strategy, it.used, it.helped) }, "stats")
                assertThrows<CompanionException.NotFound> { core.finishStrategy(urge.id, true) }
                assertThrows<CompanionException.InvalidInput> { core.startStrategy("nope", UseContext()) }
            }
        }

        test("two copies merge") {
            newStore().use { mine ->
                buildPlan(mine)
                newStore("clinician.db").use { theirs ->
                    theirs.applyPlanChange(PlanChange.AddReason(text = "my health"))
                    val merged = theirs.mergePlan(mine.planDocument())
                    assertEquals(listOf("lonely"), merged.triggers.map { it.name }, "their triggers")
                    assertEquals(listOf("my health", "to be present with my family"), merged.reasons.map { it.text }.sorted(), "both reasons")
                    assertThrows<CompanionException.StorageCorrupt> { theirs.mergePlan("not a plan document".toByteArray()) }
                }
            }
        }
    }
}
