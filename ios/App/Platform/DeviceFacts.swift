// What the phone can do for unlocking, reported to the core (as Android's DeviceFacts.kt):
// biometrics through LocalAuthentication, and whether the Keychain key exists.
import Companion
import LocalAuthentication

enum DeviceFacts {
    static func platform(keys: KeychainKeyProvider) -> Platform {
        let context = LAContext()
        var problem: NSError?
        let biometrics: Biometrics
        if context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &problem) {
            biometrics = .available
        } else if problem?.code == LAError.biometryNotEnrolled.rawValue {
            biometrics = .notEnrolled
        } else {
            biometrics = .unavailable
        }
        return Platform(biometrics: biometrics, deviceKeyEnrolled: keys.exists())
    }
}
