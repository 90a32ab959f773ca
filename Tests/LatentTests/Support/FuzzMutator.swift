import Foundation
@testable import Latent

/// Makes damaged copies of a valid file the way a fuzzer does, from a fixed
/// seed (the same seed gives the same mutants on every machine): bit flips,
/// random byte overwrites, truncation, insertions, deletions, duplicated
/// chunks, and huge/zero/negative-looking numbers written over 4- and 8-byte
/// fields near the start, where formats keep their sizes.
///
/// ```swift
/// var mutator = FuzzMutator(seed: 42)
/// let damaged = mutator.mutant(of: validBytes)   // 1–3 mutations stacked
/// ```
struct FuzzMutator {
    /// One kind of damage.
    enum Mutation: CaseIterable {
        case flipBits, overwriteBytes, truncate, insertBytes, deleteBytes, duplicateChunk, overwriteLengthField
    }

    /// The longest mutant: inputs stay small, so no reader can spend long on one.
    static let maxLength = 16 << 10
    /// The leading bytes treated as header: where `overwriteLengthField` writes.
    static let headerRegion = 64

    /// Values a size or count field holds when a file is hostile.
    static let hostileValues: [UInt64] = [
        0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 1 << 40,
    ]
    /// Bytes that mean something to one of the formats (separators, quotes, magic bytes).
    static let interestingBytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x01] + Array("0123456789-.,\n\r eE{}[]()'\":nN".utf8)

    private var random: RandomGenerator

    init(seed: UInt64) { random = RandomGenerator(seed: seed) }

    /// `bytes` with one to three mutations applied (never longer than `maxLength`).
    mutating func mutant(of bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            out = apply(Mutation.allCases.randomElement(using: &random)!, to: out)
        }
        return out
    }

    /// `bytes` with one mutation of the given kind applied.
    mutating func apply(_ mutation: Mutation, to bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        switch mutation {
        case .flipBits:
            guard !out.isEmpty else { return out }
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                out[position(in: out)] ^= 1 << UInt8.random(in: 0...7, using: &random)
            }
        case .overwriteBytes:
            guard !out.isEmpty else { return out }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                out[position(in: out)] = Bool.random(using: &random)
                    ? FuzzMutator.interestingBytes.randomElement(using: &random)!
                    : UInt8.random(in: 0...255, using: &random)
            }
        case .truncate:
            guard !out.isEmpty else { return out }
            out.removeSubrange(position(in: out)...)
        case .insertBytes:
            let inserted = (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            out.insert(contentsOf: inserted, at: Int.random(in: 0...out.count, using: &random))
        case .deleteBytes:
            guard !out.isEmpty else { return out }
            let start = position(in: out)
            out.removeSubrange(start..<Swift.min(out.count, start + Int.random(in: 1...32, using: &random)))
        case .duplicateChunk:
            guard !out.isEmpty else { return out }
            let start = position(in: out)
            let chunk = out[start..<Swift.min(out.count, start + Int.random(in: 1...64, using: &random))]
            let copies = Int.random(in: 1...4, using: &random)
            let at = Int.random(in: 0...out.count, using: &random)
            out.insert(contentsOf: Array(repeating: Array(chunk), count: copies).joined(), at: at)
        case .overwriteLengthField:
            let width = Bool.random(using: &random) ? 4 : 8
            guard out.count >= width else { return out }
            let start = Int.random(in: 0...Swift.min(out.count, FuzzMutator.headerRegion) - width, using: &random)
            var value = Bool.random(using: &random) ? FuzzMutator.hostileValues.randomElement(using: &random)! : random.next()
            if width == 4 { value &= 0xFFFF_FFFF }
            let bigEndian = Bool.random(using: &random)
            for i in 0..<width {
                let shift = UInt64(8 * (bigEndian ? width - 1 - i : i))
                out[start + i] = UInt8(truncatingIfNeeded: value >> shift)
            }
        }
        return out.count > FuzzMutator.maxLength ? Array(out.prefix(FuzzMutator.maxLength)) : out
    }

    private mutating func position(in bytes: [UInt8]) -> Int { Int.random(in: 0..<bytes.count, using: &random) }
}
