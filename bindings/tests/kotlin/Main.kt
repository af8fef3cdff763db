// Entry point of the Kotlin suite: registers every test group and runs them.
package app.companion.tests

import kotlin.system.exitProcess

fun main() {
    registerCompanionTests()
    registerPlanTests()
    registerSurfAndExerciseTests()
    registerProgressAndSharingTests()
    registerSafetyTests()
    registerAppDayTests()
    val failures = Tests.runAll()
    exitProcess(if (failures == 0) 0 else 1)
}
