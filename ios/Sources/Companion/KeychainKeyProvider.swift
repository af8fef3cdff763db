// The app's KeyProvider on iOS and macOS: wraps the store's data key with a 256-bit AES-GCM key
// kept in the Keychain, readable only on this device after it was first unlocked
// (kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly: never in a backup, never on another
// device). The core never sees this key, only the wrapped blob.
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
import Security

public final class KeychainKeyProvider: KeyProvider, @unchecked Sendable {
    private static let version: UInt8 = 1
    private static let aad = Data("companion data key v1".utf8)

    private let service: String
    private let account: String
    private let lock = NSLock()

    /// `service` and `account` name the Keychain item holding the wrapping key; use one
    /// account per store.
    public init(service: String = "app.companion.store-key", account: String = "default") {
        self.service = service
        self.account = account
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
            add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
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
