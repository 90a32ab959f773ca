import Foundation
import Testing
@testable import Latent

/// Expects one line that contains every fragment and none of Foundation's dump words.
func expectOneLine(_ message: String, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!message.contains("\n"), "'\(message)' spans several lines", sourceLocation: sourceLocation)
    for f in fragments {
        #expect(message.contains(f), "'\(message)' lacks '\(f)'", sourceLocation: sourceLocation)
    }
    for dump in ["NSCocoaErrorDomain", "userInfo", "UserInfo", "codingPath", "CodingKeys", "Error Domain"] {
        #expect(!message.contains(dump), "'\(message)' shows '\(dump)'", sourceLocation: sourceLocation)
    }
}

@Suite struct ErrorMessageTests {
    let tmp = TempFolder()

    func posix(_ code: Int32) -> NSError { NSError(domain: NSPOSIXErrorDomain, code: Int(code)) }

    @Test func fileErrorsNameTheVerbThePathAndTheReason() {
        let full = CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/data/runs/a/config.json", NSUnderlyingErrorKey: posix(ENOSPC)])
        #expect(UserFacingError.message(for: full) == "cannot write /data/runs/a/config.json: no space left on device")
        // Without a POSIX cause the Cocoa code says it; the path may come as a URL.
        let noCause = CocoaError(.fileWriteOutOfSpace, userInfo: [NSURLErrorKey: URL(fileURLWithPath: "/data/x.png")])
        #expect(UserFacingError.message(for: noCause) == "cannot write /data/x.png: no space left on device")
        let denied = CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: "/root/secret"])
        #expect(UserFacingError.message(for: denied) == "cannot read /root/secret: permission denied")
        let readOnly = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteVolumeReadOnly.rawValue, userInfo: [NSFilePathErrorKey: "/mnt/cd/a"])
        #expect(UserFacingError.message(for: readOnly) == "cannot write /mnt/cd/a: read-only file system")
        let plain = NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES), userInfo: [NSFilePathErrorKey: "/etc/shadow"])
        #expect(UserFacingError.message(for: plain) == "/etc/shadow: permission denied")
        #expect(UserFacingError.message(for: CocoaError(.fileWriteOutOfSpace)) == "cannot write: no space left on device")
    }

    @Test func realFoundationErrorsBecomeOneLine() throws {
        let long = tmp.file(String(repeating: "r", count: 300))
        do {
            try Data("x".utf8).write(to: URL(fileURLWithPath: long))
            Issue.record("a 300-character file name was accepted")
        } catch {
            expectOneLine(UserFacingError.message(for: error), ["cannot write \(long)", "file name too long"])
        }
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: tmp.file("absent.bin")))
            Issue.record("a missing file was read")
        } catch {
            expectOneLine(UserFacingError.message(for: error), ["cannot read \(tmp.file("absent.bin"))", "no such file or directory"])
        }
    }

    @Test func networkErrorsNameTheAddressAndTheCause() {
        // Nothing listens on port 9 of this machine: the connection is refused at once.
        let url = URL(string: "http://127.0.0.1:9/x.gz")!
        do {
            _ = try Data(contentsOf: url)
            Issue.record("port 9 answered")
        } catch {
            expectOneLine(UserFacingError.message(for: error), ["cannot download http://127.0.0.1:9/x.gz", "cannot connect to the server"])
            #expect(UserFacingError.isUnreachable(error))
        }
        #expect(!UserFacingError.isUnreachable(CocoaError(.fileReadNoSuchFile)))
        #expect(!UserFacingError.isUnreachable(LatentError.invalidArgument("x")))
    }

    struct Config: Decodable {
        struct Training: Decodable { let epochs: Int }
        struct Layer: Decodable { let size: Int }
        let training: Training
        let layers: [Layer]?
    }

    func decodingMessage(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(Config.self, from: Data(json.utf8))
            return "decoded"
        } catch {
            return UserFacingError.message(for: error, context: "runs/a/config.json")
        }
    }

    @Test func decodingErrorsNameTheFieldNotTheCodingPath() {
        #expect(decodingMessage(#"{"training": {"epochs": "ten"}}"#)
                == "runs/a/config.json: field 'training.epochs' has the wrong type (expected a whole number)")
        #expect(decodingMessage(#"{"training": {}}"#) == "runs/a/config.json: field 'training.epochs' is missing")
        #expect(decodingMessage(#"{"training": {"epochs": null}}"#)
                == "runs/a/config.json: field 'training.epochs' is null (expected a whole number)")
        #expect(decodingMessage(#"{"training": {"epochs": 1}, "layers": [{"size": 1}, {"size": true}]}"#)
                == "runs/a/config.json: field 'layers[1].size' has the wrong type (expected a whole number)")
        #expect(decodingMessage(#"{"training": 3}"#) == "runs/a/config.json: field 'training' has the wrong type (expected an object)")
        expectOneLine(decodingMessage(#"{"training": {"#), ["runs/a/config.json: not valid JSON"])
        // Without a context the line still says what kind of thing failed.
        do { _ = try JSONDecoder().decode(Config.self, from: Data("{}".utf8)) } catch {
            #expect(UserFacingError.message(for: error) == "invalid JSON: field 'training' is missing")
        }
    }

    @Test func latentErrorsAndOthersKeepTheirTextOnOneLine() {
        let latent = LatentError.invalidFile(path: "a.npy", reason: "truncated: 3 of 8 bytes")
        #expect(UserFacingError.message(for: latent) == "a.npy: truncated: 3 of 8 bytes")
        #expect(UserFacingError.message(for: LatentError.invalidArgument("could not get x:\n  mirror a\n  mirror b"))
                == "could not get x:; mirror a; mirror b")
        struct Odd: Error, CustomStringConvertible { var description: String { "first\nsecond" } }
        #expect(UserFacingError.message(for: Odd()) == "first; second")
    }

    @Test func atomicWritesNameTheTargetAndLeaveNoTemporaryFile() throws {
        // A name near the 255-byte limit is fine even though the temporary name is longer.
        let near = tmp.file(String(repeating: "n", count: 250))
        try AtomicFile.write(Data("ok".utf8), to: URL(fileURLWithPath: near))
        #expect(FileManager.default.contents(atPath: near) == Data("ok".utf8))
        let tooLong = tmp.file(String(repeating: "t", count: 300))
        expectLatentError([tooLong, "file name too long"]) {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: tooLong))
        }
        let blocker = try tmp.write([1], "plain-file")
        expectLatentError([blocker + "/sub/a.json", "cannot create its folder"]) {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: blocker + "/sub/a.json"))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "temporary files left: \(left)")
    }
}
