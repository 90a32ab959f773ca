import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// Nothing outside the runs folder can be named: not by `..`, encoded slashes, NUL bytes, hidden files or symlinks.
@Suite struct ServePathTests {
    let tmp = TempFolder()

    @Test(arguments: ["vae-mnist", "samples-epoch-003.png", "run_2.b", "a..b"])
    func safeNamesDecode(_ segment: String) {
        #expect(ServePath.name(segment) == segment)
    }

    @Test(arguments: ["..", ".", "", "%2e%2e", "%2E%2E", "..%2F..%2Fetc", "a%2Fb", "a%2fb", "%2F", "a%5Cb", "a\\b", "%00", "a%00.png",
                      ".lock", ".last.safetensors.1.tmp", "%2e%2e%2fpasswd", "%252F", "%25", "a b", "a%20b", "é", "%C3%A9", "a/b",
                      "%", "%zz", String(repeating: "x", count: 201)])
    func hostileSegmentsNameNothing(_ segment: String) {
        #expect(ServePath.name(segment) == nil)
    }

    @Test func pathsResolveInsideTheRootOnly() throws {
        let root = tmp.file("runs"), outside = tmp.file("outside")
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/r/images", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.png"))
        try Data("png".utf8).write(to: URL(fileURLWithPath: root + "/r/images/a.png"))
        // A symlinked file and a symlinked run folder that point out of the runs folder.
        try fm.createSymbolicLink(atPath: root + "/r/images/link.png", withDestinationPath: outside + "/secret.png")
        try fm.createSymbolicLink(atPath: root + "/evil", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: root + "/r/images/up.png", withDestinationPath: "../../../outside/secret.png")
        // A symlink that stays inside is followed.
        try fm.createSymbolicLink(atPath: root + "/r/images/same.png", withDestinationPath: "a.png")

        #expect(ServePath.file(root: root, ["r", "images", "a.png"]) != nil)
        #expect(ServePath.file(root: root, ["r", "images", "same.png"]) != nil)
        #expect(ServePath.file(root: root, ["r", "images", "link.png"]) == nil)
        #expect(ServePath.file(root: root, ["r", "images", "up.png"]) == nil)
        #expect(ServePath.file(root: root, ["evil", "secret.png"]) == nil)
        #expect(ServePath.folder(root: root, ["evil"]) == nil)
        #expect(ServePath.file(root: root, ["r", "..", "..", "outside", "secret.png"]) == nil)
        #expect(ServePath.file(root: root, ["r/../../outside/secret.png"]) == nil)
        #expect(ServePath.file(root: root, ["r", "images"]) == nil)        // a folder is not a file
        #expect(ServePath.folder(root: root, ["r", "images", "a.png"]) == nil)
        #expect(ServePath.file(root: root, ["r", "images", "missing.png"]) == nil)
        // The root may itself be a link.
        try fm.createSymbolicLink(atPath: tmp.file("linked-runs"), withDestinationPath: root)
        #expect(ServePath.file(root: tmp.file("linked-runs"), ["r", "images", "a.png"]) != nil)
        #expect(ServePath.file(root: tmp.file("linked-runs"), ["r", "images", "link.png"]) == nil)
    }
}
