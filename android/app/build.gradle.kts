// The app module. Before assembling, `buildRust` builds companion-ffi for every Android ABI with
// cargo-ndk (into src/main/jniLibs) and `generateBindings` writes the Kotlin bindings from the
// host build (bindings/scripts/build-bindings.sh --release) into build/generated/uniffi.
import org.gradle.api.tasks.Exec

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

val repoRoot = rootProject.projectDir.parentFile
val generatedKotlin = layout.buildDirectory.dir("generated/uniffi/kotlin")

android {
    namespace = "app.companion.android"
    compileSdk = 34
    defaultConfig {
        applicationId = "app.companion.android"
        minSdk = 26 // java.time.LocalDate for the core's dates
        targetSdk = 34
        versionCode = 1
        versionName = "0.1.0"
    }
    buildFeatures { compose = true }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    sourceSets["main"].kotlin.srcDir(generatedKotlin)
    packaging { jniLibs.keepDebugSymbols += "**/libcompanion_ffi.so" }
}

val buildRust by tasks.registering(Exec::class) {
    description = "Build companion-ffi for the Android ABIs (needs cargo-ndk and the NDK)."
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk", "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "-o", "${projectDir}/src/main/jniLibs", "build", "--release", "-p", "companion-ffi", "--lib",
    )
}

val generateBindings by tasks.registering(Exec::class) {
    description = "Generate the Kotlin bindings (library mode) from the host build."
    workingDir = repoRoot
    commandLine("bindings/scripts/build-bindings.sh", "--release", "--out", "${buildDir}/companion-bindings")
    doLast {
        copy {
            from("${buildDir}/companion-bindings/kotlin")
            into(generatedKotlin)
        }
    }
}

tasks.named("preBuild") { dependsOn(buildRust, generateBindings) }

dependencies {
    implementation("net.java.dev.jna:jna:5.14.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
    implementation("androidx.activity:activity-compose:1.9.2")
    implementation("androidx.fragment:fragment-ktx:1.8.4")
    implementation("androidx.lifecycle:lifecycle-process:2.8.6")
    implementation(platform("androidx.compose:compose-bom:2024.09.02"))
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.material:material-icons-core")
    implementation("androidx.core:core-ktx:1.13.1")
    implementation("androidx.biometric:biometric:1.1.0")
    implementation("androidx.work:work-runtime-ktx:2.9.1")
    implementation("androidx.camera:camera-camera2:1.3.4")
    implementation("androidx.camera:camera-lifecycle:1.3.4")
    implementation("androidx.camera:camera-view:1.3.4")
    // Invite QR codes; the JVM tests use Debian's build of the same library (libzxing-core-java).
    implementation("com.google.zxing:core:3.5.3")
}
