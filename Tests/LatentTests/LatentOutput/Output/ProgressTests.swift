import Testing
@testable import LatentOutput

/// The rate a progress line prints keeps its meaning at every speed: a slow loop never reads "0 step/s".
@Suite struct ProgressTests {
    @Test func rateHasDigitsThatSaySomething() {
        #expect(Progress.speed(2808.4, unit: "img") == "2808 img/s")
        #expect(Progress.speed(41.27, unit: "img") == "41.3 img/s")
        #expect(Progress.speed(2.466, unit: "step") == "2.47 step/s")
    }

    @Test func belowOnePerSecondItPrintsTheTimePerUnit() {
        #expect(Progress.speed(1 / 12.4, unit: "step") == "12.4 s/step")
        #expect(Progress.speed(1 / 150.0, unit: "sample") == "150 s/sample")
    }

    @Test func noRateYetIsADashNotZeroOrInfinity() {
        #expect(Progress.speed(0, unit: "img") == "– img/s")
        #expect(Progress.speed(.infinity, unit: "img") == "– img/s")
    }
}
