// The window's content (as Android's MainActivity.kt): the app model's view, a privacy cover
// whenever the app is not active (the app switcher shows nothing) or the screen is being
// recorded or mirrored, and the platform's sheets for saving a backup, picking one, and
// scanning an invite; their results go back to the core as events.
import Companion
import SwiftUI
import UniformTypeIdentifiers

struct RootView: View {
    @ObservedObject var controller: AppController
    @ObservedObject var platform: IOSPlatform
    let covered: Bool
    @State private var captured = UIScreen.main.isCaptured

    var body: some View {
        ZStack {
            AppScreen(controller: controller)
            if covered || captured {
                Color(.systemBackground).ignoresSafeArea()
            }
        }
        .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
            captured = UIScreen.main.isCaptured
        }
        .fileExporter(
            isPresented: Binding(get: { platform.fileToSave != nil }, set: { if !$0 { platform.fileToSave = nil } }),
            document: BackupDocument(bytes: platform.fileToSave?.bytes ?? Data()),
            contentType: .data,
            defaultFilename: platform.fileToSave?.name
        ) { _ in platform.fileToSave = nil }
        .fileImporter(isPresented: $platform.picking, allowedContentTypes: [.data]) { result in
            guard case let .success(url) = result else { return }
            let access = url.startAccessingSecurityScopedResource()
            defer { if access { url.stopAccessingSecurityScopedResource() } }
            if let bytes = try? Data(contentsOf: url) { controller.send(.backup(action: .filePicked(bytes: bytes))) }
        }
        .sheet(isPresented: $platform.scanning) {
            CodeScanner { text in
                platform.scanning = false
                controller.send(.sharing(action: .scanned(text: text)))
            }
        }
    }
}

/// The backup's bytes as a document for the file exporter.
struct BackupDocument: FileDocument {
    static var readableContentTypes: [UTType] { [.data] }
    let bytes: Data
    init(bytes: Data) { self.bytes = bytes }
    init(configuration: ReadConfiguration) throws { bytes = configuration.file.regularFileContents ?? Data() }
    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper { FileWrapper(regularFileWithContents: bytes) }
}
