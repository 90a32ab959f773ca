import LatentTensor

/// Models whose sampler runs a chain of a chosen number of steps (a diffusion
/// model: the full ancestral chain, or DDIM in few steps) and can show how
/// long it will take.
///
/// ```swift
/// let ddpm = try ModelRegistry.load(run).model as! any StepSamplingModel
/// let full = ddpm.sample(16, steps: nil, showProgress: true, rng: &rng)     // T ancestral steps
/// let fast = ddpm.sample(16, steps: 50, showProgress: true, rng: &rng)      // 50 DDIM steps
/// let noisy = try ddpm.sample(16, steps: 50, eta: 1, showProgress: true, rng: &rng)   // DDIM with η = 1
/// ```
public protocol StepSamplingModel: SamplingModel {
    /// Steps of the full chain (T).
    var chainLength: Int { get }
    /// `count` images [count, C·H·W] in the data's range: `steps` nil runs the full ancestral chain,
    /// a number runs that many deterministic DDIM steps. `showProgress` draws a bar with the time left.
    func sample(_ count: Int, steps: Int?, showProgress: Bool, rng: inout RandomGenerator) throws -> Tensor
    /// The same with DDIM's η for `steps` (0: deterministic; 1 with `steps` = T: the ancestral chain step for step).
    func sample(_ count: Int, steps: Int?, eta: Float, showProgress: Bool, rng: inout RandomGenerator) throws -> Tensor
}
