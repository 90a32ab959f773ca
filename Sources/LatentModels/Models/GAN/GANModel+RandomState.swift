import LatentTensor

/// A GAN's discriminator draws Dropout masks from its own generators: they
/// travel in the checkpoint so a resumed GAN is bit-identical to one trained
/// straight through.
extension GANModel: RandomStateModel {
    public func randomStates() -> [String: RandomGenerator] {
        var states: [String: RandomGenerator] = [:]
        for (k, v) in gan.generator.randomStates() { states["generator." + k] = v }
        for (k, v) in gan.discriminator.randomStates() { states["discriminator." + k] = v }
        return states
    }

    public func restoreRandomStates(_ states: [String: RandomGenerator]) throws {
        try gan.generator.restoreRandomStates(states.section("generator."))
        try gan.discriminator.restoreRandomStates(states.section("discriminator."))
    }
}
