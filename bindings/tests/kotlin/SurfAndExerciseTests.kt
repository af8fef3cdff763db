// Urge surfing, guided exercises and the notification schedule from Kotlin, with a frozen
// clock moved by hand: a session killed mid-way and picked up minutes later records the missed
// prompts as missed; an exercise's step and breathing phase follow the clock exactly.
package app.companion.tests

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.exerciseFromJson
import app.companion.exerciseToJson
import app.companion.surfSummary
import app.companion.core.Adjust
import app.companion.core.ClosedBy
import app.companion.core.NewUrge
import app.companion.core.NotificationKind
import app.companion.core.Origin
import app.companion.core.Outcome
import app.companion.core.Phase
import app.companion.core.PointKind
import app.companion.core.SurfEnd
import app.companion.core.SurfOutcome
import app.companion.core.SurfSettings
import app.companion.core.SurfStart
import app.companion.core.SurfState
import app.companion.core.Wording

private const val MIN = 60_000L

private fun CompanionCore.at(offsetMs: Long) = freezeClockForTest(NOW_MS + offsetMs)

fun registerSurfAndExerciseTests() {
    Tests.group("surf") {
        test("a session survives the app being killed") {
            assertEquals(SurfSettings(lengthSecs = 1200u, intervalSecs = 180u), SurfSettings(), "defaults")
            val sessionId: String
            val urgeId: String
            newStore().use { core ->
                val session = core.startSurf(SurfStart(intensity = 6u, settings = SurfSettings(lengthSecs = 600u, intervalSecs = 120u)))
                sessionId = session.id
                urgeId = session.urge!!
                check(session.urgeCreated) { "a new urge entry was logged" }
                assertEquals(session.id, core.urge(urgeId).surfSession, "urge linked")
                val status = core.surfStatus(session)
                assertEquals(SurfState.RUNNING, status.state, "state")
                assertEquals(1u, status.nextPrompt, "next prompt")
                assertEquals(NOW_MS + 2 * MIN, status.nextPromptAtUtcMs, "next prompt at")

                val plan = core.surfNotifications(session.id)
                assertEquals("surf-${session.id}", plan.group, "group")
                assertEquals(listOf(NOW_MS + 2 * MIN, NOW_MS + 4 * MIN), plan.upcoming.take(2).map { it.atUtcMs }, "prompt times")
                assertEquals(NotificationKind.TIME_UP, plan.upcoming.last().kind, "time up last")
                assertEquals(plan.upcoming.first(), plan.next, "next")
                assertEquals(Wording.NEUTRAL, core.notificationWording(), "neutral by default")
                check(plan.upcoming.none { "urge" in (it.title + it.body).lowercase() }) { "nothing revealing on a lock screen" }
                core.setNotificationWording(Wording.EXPLICIT)
                assertEquals(Wording.EXPLICIT, core.notificationWording(), "explicit chosen")
                check("urge" in core.surfNotifications(session.id).upcoming[0].body.lowercase()) { "explicit words" }

                core.at(2 * MIN)
                assertEquals(1u, core.surfCheckin(session.id, 8u, "Sam Example notices it peaking").points.last().prompt, "answered")
            }
            // The app was killed; 7 minutes later it starts again.
            CompanionCore.open(path(), passphrase()).use { core ->
                core.setTimeZone("Europe/Berlin")
                core.at(9 * MIN)
                val active = core.activeSurf()!!
                assertEquals(sessionId, active.id, "the open session")
                // Prompts 2 (4 min) and 3 (6 min) are past their answer window; 4 (8 min) is still due.
                assertEquals(listOf(2u, 3u), active.points.filter { it.intensity == null }.map { it.prompt }, "missed, never invented")
                val status = core.surfStatus(active)
                assertEquals(9 * MIN, status.activeMs.toLong(), "elapsed from the clock")
                assertEquals(4u, status.pendingPrompt, "pending")
                assertEquals(NOW_MS + 10 * MIN, status.timeUpAtUtcMs, "time up")
                assertEquals(active, core.reopenSurf(sessionId), "reopen")

                val paused = core.pauseSurf(sessionId)
                assertEquals(SurfState.PAUSED, core.surfStatus(paused).state, "paused")
                assertEquals(0, core.surfNotifications(sessionId).upcoming.size, "nothing fires while paused")
                core.at(12 * MIN)
                assertEquals(9 * MIN, core.surfStatus(core.resumeSurf(sessionId)).activeMs.toLong(), "pause excluded")

                core.at(13 * MIN)
                val ended = core.endSurf(sessionId, SurfEnd(outcome = SurfOutcome.PASSED, intensity = 2u, strategies = listOf("slow breathing")))
                assertEquals(ClosedBy.PERSON, ended.ending!!.closedBy, "closed by the person")
                assertEquals(Outcome.SURFED, core.urge(urgeId).outcome, "urge outcome")
                val summary = surfSummary(ended)
                assertEquals(8.toUByte(), summary.peak, "peak")
                assertEquals(2 * MIN, summary.timeToPeakMs!!.toLong(), "time to peak")
                assertEquals(3u, summary.missed, "missed")
                assertEquals(PointKind.END, ended.points.last().kind, "end point")
                assertEquals(true, summary.passedWithoutActing, "passed")
                assertThrows<CompanionException.NotAllowed> { core.surfCheckin(sessionId, 3u, null) }

                assertEquals(listOf(sessionId), core.surfSessions(TODAY, TODAY).sessions.map { it.id }, "listed")
                assertEquals(ended, core.surfSession(sessionId), "stored")
                core.deleteSurf(sessionId)
                assertThrows<CompanionException.NotFound> { core.surfSession(sessionId) }
                assertEquals(null, core.urge(urgeId).surfSession, "the urge stays, unlinked")
            }
        }

        test("surfing a logged urge, and bad starts") {
            newStore().use { core ->
                val urge = core.logUrge(NewUrge(intensity = 5u, triggers = listOf("bored")))
                assertEquals("intensity", assertThrows<CompanionException.InvalidInput> { core.startSurf(SurfStart()) }.field, "field")
                val tooShort = assertThrows<CompanionException.InvalidInput> {
                    core.startSurf(SurfStart(intensity = 5u, settings = SurfSettings(lengthSecs = 5u, intervalSecs = 1u)))
                }
                assertEquals("length", tooShort.field, "field")
                val session = core.startSurf(SurfStart(urge = urge.id))
                check(!session.urgeCreated) { "surfs the logged urge" }
                assertThrows<CompanionException.NotAllowed> { core.startSurf(SurfStart(intensity = 3u)) }
                assertEquals(session.id, core.activeSurf()?.id, "still open")
            }
        }
    }

    Tests.group("exercises") {
        test("box breathing follows the clock") {
            newStore().use { core ->
                val library = core.exercises()
                val keys = library.exercises.map { it.key }
                for (k in listOf("box", "4-7-8", "paced", "5-4-3-2-1", "pmr-short", "pmr-long", "sober", "self-compassion")) {
                    check(k in keys) { "built-in $k" }
                }
                assertEquals("5-4-3-2-1", core.findExercise("grounding").key, "alias")

                val runner = core.startExercise("box", Adjust(rounds = 2u), 7u)
                assertEquals("box", runner.key(), "key")
                check(runner.title().isNotEmpty()) { "title" }
                val steps = runner.steps()
                val start = runner.position()
                assertEquals(0uL, start.elapsedMs, "start")
                assertEquals(steps[start.step.toInt()].phase, start.phase, "phase of the step")
                assertEquals(steps[start.step.toInt()].text, runner.currentText(), "text")
                val boundaries = runner.boundariesMs()
                assertEquals(0uL, boundaries[0], "first boundary")
                check(steps.any { it.phase == Phase.INHALE }) { "box breathing breathes in" }

                core.at(1_000)
                assertEquals(1_000uL, runner.position().elapsedMs, "one second in")
                runner.pause()
                check(runner.isPaused()) { "paused" }
                core.at(60_000)
                assertEquals(1_000uL, runner.position().elapsedMs, "a paused exercise stands still")
                runner.resume()
                check(!runner.isPaused()) { "running" }
                assertEquals(boundaries[1], runner.skip().elapsedMs, "skip jumps to the next boundary")

                core.at(60_000 + start.totalMs.toLong())
                check(runner.position().finished) { "finished" }
                assertThrows<CompanionException.NotAllowed> { runner.skip() }
                val saved = core.saveExercise(runner, 3u, "calmer now")
                check(saved.completed) { "completed" }
                assertEquals(Pair(7.toUByte(), 3.toUByte()), Pair(saved.distressBefore, saved.distressAfter), "distress")
                assertEquals(saved, core.exerciseSession(saved.id), "stored")
                assertEquals(listOf(saved.id), core.exerciseSessions(TODAY, null).sessions.map { it.id }, "listed")
                core.deleteExerciseSession(saved.id)
                assertEquals(0, core.exerciseSessions(null, null).sessions.size, "deleted")
                val e = assertThrows<CompanionException.InvalidInput> { core.startExercise("box", Adjust(), 11u) }
                assertEquals("distress before", e.field, "field")
            }
        }

        test("custom exercises") {
            newStore().use { core ->
                val json = """
                    {"format": 1, "key": "evening-calm", "title": "Evening calm", "category": "breathing",
                     "steps": [{"text": "Breathe in slowly", "seconds": 4, "phase": "inhale"},
                               {"text": "And out", "seconds": 6, "phase": "exhale"}]}
                """.trimIndent()
                val def = exerciseFromJson(json, Origin.CLINICIAN)
                assertEquals(Origin.CLINICIAN, def.origin, "origin")
                assertEquals(def, exerciseFromJson(exerciseToJson(def), Origin.CLINICIAN), "JSON round trip")
                assertEquals("evening-calm", core.addExercise(def, false).`def`.key, "added")
                assertEquals(listOf("evening-calm"), core.customExercises().exercises.map { it.`def`.key }, "custom")
                assertEquals(10_000uL, core.startExercise("evening-calm", Adjust(), null).position().totalMs, "length")

                val zero = assertThrows<CompanionException.InvalidInput> {
                    exerciseFromJson(json.replace("\"seconds\": 6", "\"seconds\": 0"), Origin.MINE)
                }
                assertEquals("step duration", zero.field, "field")
                assertThrows<CompanionException.InvalidInput> { exerciseFromJson("{not json", Origin.MINE) }
                val builtin = core.findExercise("box")
                assertEquals("key", assertThrows<CompanionException.InvalidInput> { core.addExercise(builtin, false) }.field, "field")

                core.removeExercise("evening-calm")
                assertEquals(0, core.customExercises().exercises.size, "removed")
                assertThrows<CompanionException.InvalidInput> { core.findExercise("evening-calm") }
            }
        }
    }
}
