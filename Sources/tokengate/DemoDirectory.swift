import Foundation

/// The demo's working folder under the system's temporary directory, removed at the end.
struct DemoDirectory {
    /// The folder's path.
    let path: String

    /// Makes a new, private folder.
    init() throws {
        // mkdtemp replaces the template's six trailing X characters with a unique suffix.
        let template =
            FileManager.default.temporaryDirectory.path + "/tokengate-demo."
            + String(repeating: "X", count: 6)
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw CommandOutcome.refused("tokengate demo: cannot make a temporary folder")
        }
        path = String(cString: made)
    }

    /// Writes `text` to the file `name` in the folder; returns its path.
    func write(_ text: String, to name: String) throws -> String {
        let file = path + "/" + name
        do {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandOutcome.refused("tokengate demo: cannot write \(file): \(error)")
        }
        return file
    }

    /// Removes the folder and what it holds.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
