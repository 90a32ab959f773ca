import LatentTensor

/// Updates parameters from their gradients. Rules follow PyTorch's
/// `torch.optim` exactly (the tests check single steps against hand-computed values).
///
/// ```swift
/// let optimizer = Adam(model.parameters(), learningRate: 1e-3)
/// for batch in batches {
///     optimizer.zeroGrad()
///     loss(batch).backward()
///     optimizer.step()
/// }
/// ```
public protocol Optimizer: AnyObject {
    /// The parameters being optimised.
    var parameters: [Parameter] { get }
    /// Learning rate; schedules change it between steps.
    var learningRate: Float { get set }
    /// One update from the current gradients. Parameters without a gradient are left alone.
    func step()
    /// Named state tensors for checkpoints (moment estimates and step count).
    func stateDict() -> [String: Tensor]
    /// Throws unless `state` fits these parameters (names, shapes, a whole step
    /// count), without changing anything: lets a model check all its parts first.
    /// Errors name the tensors with `prefix` ("generator.") as the checkpoint does.
    func checkStateDict(_ state: [String: Tensor], naming prefix: String) throws
    /// Restores what `stateDict()` saved, after the same checks; on error nothing changes.
    ///
    /// ```swift
    /// try optimizer.loadStateDict(checkpoint.optimizer)
    /// ```
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// `checkStateDict` for a state whose names carry no prefix.
    ///
    /// ```swift
    /// try optimizer.checkStateDict(checkpoint.optimizer)
    /// ```
    public func checkStateDict(_ state: [String: Tensor]) throws { try checkStateDict(state, naming: "") }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Scales all gradients together so their global L2 norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`). Returns the norm before clipping.
///
/// ```swift
/// let norm = clipGradientNorm(model.parameters(), maxNorm: 5)
/// ```
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        if let g = p.grad { total += Double(g.withData { sumOfSquares($0, g.count) }) }
    }
    let norm = Float(total.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters {
            if let g = p.grad { p.setGradient(g.scaled(by: scale)) }
        }
    }
    return norm
}

/// Per-parameter state buffers, created lazily with the parameter's size.
struct SlotBuffers {
    private(set) var slots: [TensorStorage?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    mutating func pointer(_ i: Int, count: Int) -> UnsafeMutablePointer<Float> {
        if let s = slots[i] { return s.pointer }
        let s = TensorStorage(repeating: 0, count: count)
        slots[i] = s
        return s.pointer
    }

    func export(prefix: String, shapes: [[Int]]) -> [String: Tensor] {
        var d: [String: Tensor] = [:]
        for (i, s) in slots.enumerated() {
            if let s { d["\(prefix).\(i)"] = Tensor(shape: shapes[i], storage: s.copy()) }
        }
        return d
    }

    /// The names `export` writes for each prefix ("exp_avg.3"), each optional with
    /// its parameter's shape; a parameter's slots under every prefix come together.
    static func layout(_ prefixes: [String], shapes: [[Int]]) -> StateLayout {
        var layout = StateLayout()
        for (i, shape) in shapes.enumerated() {
            for prefix in prefixes { layout.allow("\(prefix).\(i)", shape: shape) }
            if prefixes.count > 1 { layout.together(prefixes.map { "\($0).\(i)" }) }
        }
        return layout
    }

    /// Takes the slots from a state that passed `layout(...).check`.
    mutating func restore(prefix: String, from state: [String: Tensor]) {
        for i in slots.indices {
            slots[i] = state["\(prefix).\(i)"]?.storage.copy()
        }
    }
}
