/// One recorded operation of the autodiff graph (PyTorch's `grad_fn`).
///
/// A node knows the nodes of the inputs that need gradients and a closure that
/// maps the gradient of its output to the gradients of those inputs. Leaves
/// (parameters and `requiringGradient()` tensors) have no closure and keep the
/// gradient that `backward()` accumulates into them.
public final class GraphNode: @unchecked Sendable {
    /// Nodes of the inputs, in the order `pullback` returns their gradients;
    /// `nil` for inputs that need no gradient.
    let inputs: [GraphNode?]
    /// Gradient of the output → gradients of the inputs (entries for `nil`
    /// inputs are ignored and need not be computed).
    var pullback: ((Tensor) -> [Tensor?])?
    /// Accumulated gradient of the output of this node.
    public package(set) var grad: Tensor?
    let name: String

    init(name: String, inputs: [GraphNode?], pullback: ((Tensor) -> [Tensor?])?) {
        self.name = name
        self.inputs = inputs
        self.pullback = pullback
    }

    var isLeaf: Bool { inputs.isEmpty }

    func accumulate(_ g: Tensor) {
        if let existing = grad {
            grad = existing.adding(g)
        } else {
            grad = g
        }
    }

    /// Clears the leaf's gradient (an optimizer's `zeroGrad`).
    public func clearGradient() { grad = nil }
}

/// Whether operations record the graph. Off inside `withoutGradient { }`.
public enum GradientMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording any graph (PyTorch's `torch.no_grad()`).
///
/// ```swift
/// let logits = withoutGradient { model(x) }
/// ```
public func withoutGradient<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.$isEnabled.withValue(false, operation: body)
}
