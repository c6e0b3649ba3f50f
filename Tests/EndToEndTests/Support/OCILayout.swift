import Foundation

/// One image in an OCI image layout directory (`oci-layout`, `index.json`,
/// `blobs/sha256/...`), as skopeo reads and writes it with `oci:DIRECTORY:TAG`.
///
/// `build` makes one offline with `Tests/Fixtures/registry/make_oci_image.py` (gzipped tar
/// layers of random bytes) and keeps the digests that script worked out; `read` reads back
/// the manifest a layout's index names for a tag, as skopeo wrote it on a pull.
struct OCILayout {
    /// A blob's digest (`sha256:HEX`) and size in bytes.
    struct Blob: Decodable, Equatable {
        var digest: String
        var size: Int
    }

    /// The layout directory.
    var path: String
    /// The tag its index names the image by.
    var tag: String
    /// The image manifest.
    var manifest: Blob
    /// The image config.
    var config: Blob
    /// The layers, in order.
    var layers: [Blob]

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/registry/make_oci_image.py").path

    /// `oci:PATH:TAG`, skopeo's name for the image.
    var reference: String { "oci:\(path):\(tag)" }

    /// The file holding blob `digest` in the layout.
    func blobPath(_ digest: String) -> String {
        "\(path)/blobs/sha256/\(digest.replacingOccurrences(of: "sha256:", with: ""))"
    }

    /// Writes an image tagged `tag` into `name` under `directory`, with one layer per entry
    /// of `layerSizes` holding that many random bytes.
    static func build(
        in directory: TemporaryDirectory, name: String, tag: String, layerSizes: [Int]
    ) throws -> OCILayout {
        guard let python = ProgramSearch.find("python3") else {
            throw HarnessError("python3 is not on PATH (Debian package python3)")
        }
        let path = directory.path(name)
        let child = try ChildProcess(
            executable: python,
            arguments: [scriptPath, "--directory", path, "--tag", tag]
                + layerSizes.flatMap { ["--layer-bytes", String($0)] },
            directory: directory, name: "make-\(name)")
        guard child.waitForExit(timeout: .seconds(120)), child.exitedTermination?.status == 0
        else { throw HarnessError("make_oci_image.py failed: \(child.standardError)") }

        struct Printed: Decodable {
            var manifest: Blob
            var config: Blob
            var layers: [Blob]
        }
        let printed = try JSONDecoder().decode(Printed.self, from: Data(child.standardOutput.utf8))
        return OCILayout(
            path: path, tag: tag, manifest: printed.manifest, config: printed.config,
            layers: printed.layers)
    }

    /// The image that `index.json` in `path` names `tag`, with the config and layers its
    /// manifest lists.
    static func read(path: String, tag: String) throws -> OCILayout {
        struct Index: Decodable {
            struct Entry: Decodable {
                var digest: String
                var size: Int
                var annotations: [String: String]?
            }
            var manifests: [Entry]
        }
        struct Manifest: Decodable {
            var config: Blob
            var layers: [Blob]
        }
        let index = try JSONDecoder().decode(
            Index.self, from: Data(contentsOf: URL(fileURLWithPath: "\(path)/index.json")))
        guard
            let entry = index.manifests.first(where: {
                $0.annotations?["org.opencontainers.image.ref.name"] == tag
            })
        else { throw HarnessError("the index of \(path) names no image \(tag)") }

        var layout = OCILayout(
            path: path, tag: tag, manifest: Blob(digest: entry.digest, size: entry.size),
            config: Blob(digest: "", size: 0), layers: [])
        let manifest = try JSONDecoder().decode(
            Manifest.self,
            from: Data(contentsOf: URL(fileURLWithPath: layout.blobPath(entry.digest))))
        layout.config = manifest.config
        layout.layers = manifest.layers
        return layout
    }
}
