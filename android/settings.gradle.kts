// The Android app skeleton. Cannot be built on the project's Linux CI (no Android SDK/NDK there);
// its plain-Kotlin parts (key provider, repository) are compiled and tested on the JVM by
// bindings/scripts/run-foreign-tests.sh.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "companion-android"
include(":app")
