// The app's KeyProvider on iOS and macOS: wraps the store's data key with a 256-bit AES-GCM key
// kept in the Keychain on this device only (never in a backup, never on another device), and
// bound to biometrics: the item's access control is `.biometryCurrentSet`, so it is readable
// only after Face ID or Touch ID matched, and it is gone when faces or fingers change (the
// store then opens with the recovery passphrase, as the core says on the lock screen). The app
// authenticates first (LocalAuthentication, the core's Authenticate effect) and hands the
// evaluated LAContext here (`authenticated`), so reading the item asks nothing more.
// The core never sees this key, only the wrapped blob.
//
// Blob format, version 1: 0x01 ‖ AES.GCM sealed box (nonce 12 ‖ ciphertext 32 ‖ tag 16), with
// the associated data "companion data key v1" (the same format as Android's AesGcmKeyProvider).
// Failures throw KeyProviderError.Failed with a reason that never contains key material; the
// core reports them as CompanionError.KeyProviderFailed, and the app offers the passphrase.
//
// Calls block briefly (a Keychain read): the core calls them on the thread that opens the
// store, which is a background thread when the app uses openStoreAsync / createStoreAsync.

import CryptoKit
import Foundation
import LocalAuthentication
import Security

public final class KeychainKeyProvider: KeyProvider, @unchecked Sendable {
    private static let version: UInt8 = 1
    private static let aad = Data("companion data key v1".utf8)

    private let service: String
    private let account: String
    private let lock = NSLock()
    private var context: LAContext?

    /// `service` and `account` name the Keychain item holding the wrapping key; use one
    /// account per store.
    public init(service: String = "app.companion.store-key", account: String = "default") {
        self.service = service
        self.account = account
    }

    /// The context of a biometric check that just succeeded; the next Keychain read uses it.
    public func authenticated(_ context: LAContext) {
        lock.lock()
        self.context = context
        lock.unlock()
    }

    /// Whether the wrapping key exists (biometric unlock was set up on this device).
    public func exists() -> Bool {
        var query = baseQuery()
        let context = LAContext()
        context.interactionNotAllowed = true
        query[kSecUseAuthenticationContext as String] = context
        let status = SecItemCopyMatching(query as CFDictionary, nil)
        return status == errSecSuccess || status == errSecInteractionNotAllowed
    }

    public func wrapKey(dataKey: Data) throws -> Data {
        guard dataKey.count == 32 else {
            throw KeyProviderError.Failed(reason: "expected a 32-byte data key")
        }
        let key = try wrappingKey(createIfMissing: true)
        do {
            let sealed = try AES.GCM.seal(dataKey, using: key, authenticating: Self.aad)
            guard let combined = sealed.combined else {
                throw KeyProviderError.Failed(reason: "the sealed key has no combined form")
            }
            return Data([Self.version]) + combined
        } catch let error as KeyProviderError {
            throw error
        } catch {
            throw KeyProviderError.Failed(reason: "could not wrap the data key: \(type(of: error))")
        }
    }

    public func unwrapKey(wrapped: Data) throws -> Data {
        guard wrapped.count == 1 + 12 + 32 + 16, wrapped.first == Self.version else {
            throw KeyProviderError.Failed(reason: "the wrapped key has an unknown format")
        }
        let key = try wrappingKey(createIfMissing: false)
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Self.aad)
        } catch {
            throw KeyProviderError.Failed(reason: "could not unwrap the data key: \(type(of: error))")
        }
    }

    /// Forget the wrapping key (for "erase everything"): the store can then only be opened
    /// with its passphrase, if it has one.
    public func deleteWrappingKey() throws {
        let status = SecItemDelete(baseQuery() as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw KeyProviderError.Failed(reason: "the keychain refused to delete the key (status \(status))")
        }
    }

    private func baseQuery() -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }

    private func wrappingKey(createIfMissing: Bool) throws -> SymmetricKey {
        lock.lock()
        defer { lock.unlock() }
        var query = baseQuery()
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        if let context {
            query[kSecUseAuthenticationContext as String] = context
        }
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else {
                throw KeyProviderError.Failed(reason: "the keychain item is not a 256-bit key")
            }
            return SymmetricKey(data: data)
        case errSecItemNotFound where createIfMissing:
            let key = SymmetricKey(size: .bits256)
            var add = baseQuery()
            add[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
            var problem: Unmanaged<CFError>?
            guard let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, .biometryCurrentSet, &problem
            ) else {
                throw KeyProviderError.Failed(reason: "this device cannot guard a key with biometrics")
            }
            add[kSecAttrAccessControl as String] = access
            if let context {
                add[kSecUseAuthenticationContext as String] = context
            }
            let added = SecItemAdd(add as CFDictionary, nil)
            guard added == errSecSuccess else {
                throw KeyProviderError.Failed(reason: "the keychain refused to store a new key (status \(added))")
            }
            return key
        case errSecItemNotFound:
            throw KeyProviderError.Failed(reason: "this device no longer holds the key; unlock with the passphrase")
        case errSecInteractionNotAllowed:
            throw KeyProviderError.Failed(reason: "the keychain is locked until the device is first unlocked")
        default:
            throw KeyProviderError.Failed(reason: "the keychain failed (status \(status))")
        }
    }
}
