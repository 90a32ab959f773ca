import Foundation
import LatentFuzzing

#if FUZZING
// The libFuzzer target (built with -sanitize=fuzzer,address -D FUZZING, see
// `make fuzz`). The reader comes from LATENT_FUZZ_READER (idx, npy, png, csv,
// safetensors). SwiftPM links an executable's `main` to `LatentFuzz_main`, so
// that is where libFuzzer's driver is started.

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The reader under test and the scratch file each input is written to.
private nonisolated(unsafe) var fuzzTarget: (reader: FuzzReader, path: String)?

@_cdecl("LatentFuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    let name = ProcessInfo.processInfo.environment["LATENT_FUZZ_READER"] ?? ""
    guard let reader = FuzzReader(rawValue: name) else {
        let names = FuzzReader.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set LATENT_FUZZ_READER to one of \(names) (it is '\(name)')\n".utf8))
        return 2
    }
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    fuzzTarget = (reader, "\(folder)/latent-fuzz-\(getpid())-\(reader.rawValue)")
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let (reader, path) = fuzzTarget else { return 0 }
        let bytes = size > 0 && data != nil ? Data(bytes: data!, count: size) : Data()
        guard FileManager.default.createFile(atPath: path, contents: bytes) else {
            fatalError("cannot write the fuzz input to \(path)")
        }
        do {
            _ = try reader.run(onFile: path)
        } catch {
            fatalError("the \(reader.rawValue) reader threw \(type(of: error)), not a LatentError: \(error)")
        }
        return 0
    }
}
#else
/// Replays inputs through one reader, as the fuzz target does:
/// `LatentFuzz <reader> <file>...` prints what the reader made of each file and
/// exits 1 when a reader threw anything but a `LatentError` (a crash ends the
/// process, as it would in the fuzzer).
///
/// ```
/// swift run LatentFuzz npy Tests/LatentTests/Fixtures/fuzz/regressions/npy/*
/// ```
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        let names = FuzzReader.allCases.map(\.rawValue).joined(separator: "|")
        guard let name = arguments.first, let reader = FuzzReader(rawValue: name), arguments.count > 1 else {
            print("usage: LatentFuzz <\(names)> <file>...")
            exit(2)
        }
        var failed = false
        for path in arguments.dropFirst() {
            do {
                switch try reader.run(onFile: path) {
                case .loaded: print("\(path): loaded")
                case .refused(let message): print("refused: \(message)")
                }
            } catch {
                print("\(path): FAILED, threw \(type(of: error)), not a LatentError: \(error)")
                failed = true
            }
        }
        exit(failed ? 1 : 0)
    }
}
#endif
