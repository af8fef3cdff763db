// The Swift API on macOS (`swift test` after scripts/build-xcframework.sh). The Kotlin and
// Python suites under bindings/tests cover the whole API on every CI run; these tests check that
// the Swift package links and the Swift-specific surface (async, thrown errors, Data) works.
import Foundation
import XCTest

@testable import Companion

/// A key provider that always throws, as a broken keystore would.
final class ThrowingProvider: KeyProvider, @unchecked Sendable {
    struct Broken: Error {}
    func wrapKey(dataKey: Data) throws -> Data { throw Broken() }
    func unwrapKey(wrapped: Data) throws -> Data { throw Broken() }
}

final class CompanionTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String = "store.db") -> String { dir.appendingPathComponent(name).path }
    private let pass = Data("a long passphrase, typed by Sam Example".utf8)

    func testLogReadAndBackUp() throws {
        let core = try CompanionCore.create(path: path(), unlock: .passphrase(passphrase: pass))
        let logged = try core.logUrge(urge: NewUrge(intensity: 6, triggers: ["lonely"], note: "Sam Example's note"))
        XCTAssertEqual(try core.urge(id: logged.id), logged)
        let backup = try core.exportBackup(backupPassphrase: Data("backup".utf8))
        XCTAssertTrue(isBackupFile(bytes: backup.bytes))
        let restored = try CompanionCore.create(path: path("restored.db"), unlock: .passphrase(passphrase: pass))
        XCTAssertEqual(try restored.restoreBackup(backup: backup.bytes, backupPassphrase: Data("backup".utf8)), 1)
        XCTAssertEqual(try restored.urge(id: logged.id), logged)
    }

    func testErrorsAreTyped() throws {
        XCTAssertThrowsError(try CompanionCore.open(path: path("missing.db"), unlock: .passphrase(passphrase: pass))) { error in
            guard case CompanionError.NotFound(let what, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(what, "store")
        }
        let core = try CompanionCore.create(path: path(), unlock: .passphrase(passphrase: pass))
        XCTAssertThrowsError(try core.logUrge(urge: NewUrge(intensity: 11))) { error in
            guard case CompanionError.InvalidInput(let field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "intensity")
        }
        XCTAssertThrowsError(
            try CompanionCore.create(path: path("device.db"), unlock: .deviceKey(provider: ThrowingProvider()))
        ) { error in
            guard case CompanionError.KeyProviderFailed = error else { return XCTFail("\(error)") }
        }
    }

    func testAsyncOpenDoesNotBlockTheCaller() async throws {
        let core = try await createStoreAsync(path: path(), unlock: .passphrase(passphrase: pass))
        _ = try core.logUrge(urge: NewUrge(intensity: 3))
        core.lock()
        try await core.unlockAsync(unlock: .passphrase(passphrase: pass))
        let again = try await openStoreAsync(path: path(), unlock: .passphrase(passphrase: pass))
        XCTAssertEqual(try again.urges(query: UrgeQuery()).urges.count, 1)
    }
}
