import Foundation
import Testing
@testable import Latent

/// Mutation fuzzing of every file reader: damaged copies of valid files must
/// either load or be refused with one `LatentError` line naming the file —
/// never trap, hang or allocate hugely. The mutants come from a fixed seed, so
/// a failure reproduces; a reader that traps ends the test process, and the
/// last mutant written (`<format>-mutant`, in the folder the run prints
/// nothing about but leaves behind) is the input that did it.
///
/// `LATENT_FUZZ_MUTANTS=N` raises the number of mutants per format (`make fuzz` uses 5000).
@Suite struct FuzzTests {
    /// Mutants per format: 300, or LATENT_FUZZ_MUTANTS.
    static let mutantCount: Int = {
        guard let text = ProcessInfo.processInfo.environment["LATENT_FUZZ_MUTANTS"] else { return 300 }
        guard let n = Int(text), n > 0 else {
            fatalError("LATENT_FUZZ_MUTANTS must be a positive whole number, not '\(text)'")
        }
        return n
    }()

    /// What a reader made of one input.
    enum Outcome: Equatable {
        case loaded
        case refused(String)
        case failed(String)
    }

    /// Writes `bytes` to `path` and runs the reader on it (with the reading options of `variant`).
    static func outcome(_ format: FuzzFormat, _ bytes: [UInt8], at path: String, variant: Int = 0) throws -> Outcome {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            try format.read(path, variant: variant)
            return .loaded
        } catch let error as LatentError {
            return .refused(error.description)
        } catch {
            return .failed("\(type(of: error)): \(error)")
        }
    }

    /// Readers known to quote damaged input as it is, control characters (even
    /// newlines) included, so a refusal can span lines or carry terminal escapes.
    /// When a reader is fixed, its known issue stops occurring and the test fails
    /// until the entry is removed here.
    static let knownControlCharacterEchoes: [FuzzFormat: String] = [:]

    /// True when `message` names `path` and holds no line break or other control character.
    static func isOneLine(_ message: String, naming path: String) -> Bool {
        message.contains(path) && !message.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    @Test("every seed is a valid file of its format", arguments: FuzzFormat.allCases)
    func seedsLoad(_ format: FuzzFormat) throws {
        let seeds = try format.seeds()
        #expect(seeds.count >= 3, "\(format) has only \(seeds.count) seeds")
        let folder = TempFolder()
        for seed in seeds {
            #expect(try FuzzTests.outcome(format, seed.bytes, at: folder.file(seed.name)) == .loaded, "seed \(seed.name)")
        }
    }

    @Test("mutants of valid files load or are refused with one line naming the file", arguments: FuzzFormat.allCases)
    func mutantsLoadOrAreRefused(_ format: FuzzFormat) throws {
        let seeds = try format.seeds()
        try #require(!seeds.isEmpty)
        let folder = TempFolder()
        let path = folder.file("\(format.rawValue)-mutant")
        var mutator = FuzzMutator(seed: 0x5EED_0000 + UInt64(FuzzFormat.allCases.firstIndex(of: format)!))
        var loaded = 0, refused = 0
        var notOneLine: [String] = []
        for i in 0..<FuzzTests.mutantCount {
            let seed = seeds[i % seeds.count]
            let mutant = mutator.mutant(of: seed.bytes)
            switch try FuzzTests.outcome(format, mutant, at: path, variant: i) {
            case .loaded:
                loaded += 1
            case .refused(let message):
                refused += 1
                if !FuzzTests.isOneLine(message, naming: path) { notOneLine.append("mutant \(i) of \(seed.name): \(message.debugDescription)") }
            case .failed(let error):
                Issue.record("mutant \(i) of \(seed.name) (\(mutant.count) bytes) threw \(error), not a LatentError")
            }
        }
        print("fuzz \(format.rawValue): \(FuzzTests.mutantCount) mutants of \(seeds.count) seeds: \(loaded) loaded, \(refused) refused")
        let problem = "\(notOneLine.count) refusals are not one line naming the file, e.g. \(notOneLine.prefix(3))"
        if let known = FuzzTests.knownControlCharacterEchoes[format] {
            withKnownIssue(Comment(rawValue: known)) { #expect(notOneLine.count == 0, "\(problem)") }
        } else {
            #expect(notOneLine.count == 0, "\(problem)")
        }
        #expect(refused > 0, "no mutant of \(format) was refused: the mutator is not damaging the files")
    }

    @Test("kept crash inputs load or are refused; hand-made hostile inputs are refused",
          arguments: FuzzFormat.allCases.filter { $0 != .idxGzip })
    func regressionsLoadOrAreRefused(_ format: FuzzFormat) throws {
        let inputs = try format.regressions()
        #expect(inputs.contains { $0.name.hasPrefix("hostile-") }, "regressions/\(format.reader) has no hostile- input")
        let folder = TempFolder()
        for input in inputs {
            // The reading option follows the input's size, as in the fuzz target, so a crash replays as found.
            switch try FuzzTests.outcome(format, input.bytes, at: folder.file(input.name), variant: input.bytes.count) {
            case .loaded:
                #expect(!input.name.hasPrefix("hostile-"), "regressions/\(format.reader)/\(input.name) loaded")
            case .refused(let message):
                #expect(FuzzTests.isOneLine(message, naming: folder.file(input.name)), "\(message.debugDescription)")
            case .failed(let error):
                Issue.record("regressions/\(format.reader)/\(input.name) threw \(error), not a LatentError")
            }
        }
    }
}

/// The mutator itself: deterministic, and each kind of damage does what it says.
@Suite struct FuzzMutatorTests {
    let sample: [UInt8] = Array(0..<100)

    @Test func theSameSeedGivesTheSameMutants() {
        var a = FuzzMutator(seed: 9), b = FuzzMutator(seed: 9), c = FuzzMutator(seed: 10)
        let fromA = (0..<50).map { _ in a.mutant(of: sample) }
        #expect(fromA == (0..<50).map { _ in b.mutant(of: sample) })
        #expect(fromA != (0..<50).map { _ in c.mutant(of: sample) })
    }

    @Test(arguments: FuzzMutator.Mutation.allCases)
    func everyMutationChangesTheBytes(_ mutation: FuzzMutator.Mutation) {
        var mutator = FuzzMutator(seed: 1)
        let changed = (0..<20).filter { _ in mutator.apply(mutation, to: sample) != sample }.count
        // A random overwrite can write the byte that was there; most must differ.
        #expect(changed >= 15, "\(mutation) changed only \(changed) of 20 copies")
    }

    @Test func truncationShortensAndLengthFieldsStayInTheHeader() {
        var mutator = FuzzMutator(seed: 2)
        for _ in 0..<50 {
            #expect(mutator.apply(.truncate, to: sample).count < sample.count)
            let overwritten = mutator.apply(.overwriteLengthField, to: sample)
            #expect(overwritten.count == sample.count)
            #expect(overwritten[FuzzMutator.headerRegion...] == sample[FuzzMutator.headerRegion...])
        }
    }

    @Test func mutantsNeverExceedTheLengthCap() {
        var mutator = FuzzMutator(seed: 3)
        let big = [UInt8](repeating: 7, count: FuzzMutator.maxLength)
        for _ in 0..<20 { #expect(mutator.apply(.duplicateChunk, to: big).count <= FuzzMutator.maxLength) }
    }
}
