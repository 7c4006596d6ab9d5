"""Demos of chapter 6, backpropagation.

* :func:`backward_steps`: the backward pass one layer per step on a network diagram, on
  the chapter's worked example or a 3-4-3-2 softmax network (:mod:`nnlearn.examples`);
* :func:`digits_training`: the chapter's training run on the handwritten digits
  (:func:`nnlearn.examples.digits_history`), replayed: loss and accuracy up to an epoch,
  and the test digits the network gets wrong at that epoch.
"""

import numpy as np

from .. import network
from ..examples import DIGITS_RUN, backprop_example, digits_history, softmax_example
from ..plots.backpropagation import draw_network, paint_pass
from ..plots.style import COLORS
from . import register
from .core import Demo, int_slider, menu


EXAMPLES = {"2-2-1 worked example": backprop_example, "3-4-3-2, softmax": softmax_example}
MAX_STEP = 3     # the deepest example has 3 layers of weights


def _passes(example):
    e = example
    z, h = network.forward(e["x"], e["W"], e["b"], e["spec"])
    dW, db = network.backward(e["y"], z, h, e["W"], e["spec"])
    loss = network.loss_value(e["y"], h[len(e["W"])], z[len(e["W"])], e["spec"])
    return z, h, dW, db, loss                # for one example db[j] is delta[j]


def _vector(v):
    return "(" + ", ".join(f"{x:.4f}" for x in np.ravel(v)) + ")"


def _step_text(step, N, example, z, h, dW, db, loss):
    """What the step computed, in words and numbers (HTML)."""
    if step == 0:
        return (f"<p><b>Forward pass.</b> Each layer computes z = Wᵀh + b, then h = f(z). "
                f"The prediction is ŷ = {_vector(h[N])}, the target y = {_vector(example['y'])}, "
                f"and the loss L = {loss:.4f}.</p>")
    j = N - step + 1
    if j < 1:
        return "<p><b>Done.</b> Every layer has its δ and every weight its gradient.</p>"
    if j == N:
        how = ("δ<sup>(N)</sup> = ŷ − y (cross-entropy after softmax)"
               if example["spec"].loss == "cross_entropy" else
               "δ<sup>(N)</sup> = ŷ − y (MSE after an identity output)")
    else:
        how = (f"δ<sup>({j})</sup> = (W<sup>({j},{j + 1})</sup> δ<sup>({j + 1})</sup>) "
               f"⊙ f′(z<sup>({j})</sup>)")
    return (f"<p><b>Backward step {step}, layer {j}.</b> {how} = {_vector(db[j])}. "
            f"Then ∂L/∂W<sup>({j - 1},{j})</sup> = h<sup>({j - 1})</sup> δ<sup>({j})ᵀ</sup> "
            f"(the coloured edges) and ∂L/∂b<sup>({j})</sup> = δ<sup>({j})</sup>.</p>")


@register
def backward_steps():
    """Step 0 shows the forward values; each further step adds one layer's delta and gradients."""

    def setup(fig, p):
        example = EXAMPLES[p["network"]]()
        ax = fig.subplots()
        art = draw_network(ax, network.layer_sizes(example["W"]), animated=True)
        caption = ax.set_title("forward pass", fontsize=10)   # one line, whatever the step
        caption.set_animated(True)
        return {"art": art, "example": example, "passes": _passes(example), "caption": caption}

    def update(state, p):
        z, h, dW, db, loss = state["passes"]
        N = len(dW)
        done = [j for j in range(N, 0, -1) if N - j + 1 <= p["step"]]
        paint_pass(state["art"], h, z, state["example"]["W"], db, dW, known=done)
        if p["step"] == 0:
            words = f"forward pass: loss L = {loss:.4f}"
        elif done and p["step"] <= N:
            words = f"backward step {p['step']}: δ of layer {min(done)} and the gradients into it"
        else:
            words = "backward pass complete"
        state["caption"].set_text(words)

    def describe(p):
        example = EXAMPLES[p["network"]]()
        z, h, dW, db, loss = _passes(example)
        return _step_text(p["step"], len(dW), example, z, h, dW, db, loss)

    return Demo(
        "The backward pass, one layer at a time",
        [menu("network", "network", list(EXAMPLES)),
         int_slider("step", "step", 0, MAX_STEP, 0)],
        setup, update, describe, figsize=(7.2, 4.2),
        alt="A diagram of a small network. Step 0 writes the forward values in the neurons; each "
            "later step colours one more layer by its local error delta and the edges into it "
            "by their gradients.")


# --- training on the digits ------------------------------------------------------------

SHOWN = 8    # misclassified digits on view


@register
def digits_training():
    """Loss and accuracy curves up to an epoch, and misclassified test digits at that epoch."""
    history = digits_history(**DIGITS_RUN)
    E = history.epochs

    def setup(fig, p):
        grid = fig.add_gridspec(2, 8, width_ratios=(3, 3, 3, 3, 2, 2, 2, 2))
        loss_ax = fig.add_subplot(grid[:, 0:2])
        acc_ax = fig.add_subplot(grid[:, 2:4])
        t = np.arange(E + 1)
        for ax in (loss_ax, acc_ax):
            ax.set_xlim(0, E)
            ax.set_xlabel("epoch")
        loss_ax.set_ylim(0, 1.05 * max(history.train_loss.max(), history.test_loss.max()))
        loss_ax.set_title("cross-entropy loss", fontsize=10)
        acc_ax.set_ylim(0, 1.0)
        acc_ax.set_title("accuracy", fontsize=10)
        lines = {}
        for ax, kind in ((loss_ax, "loss"), (acc_ax, "accuracy")):
            for side, color in (("train", COLORS["blue"]), ("test", COLORS["vermillion"])):
                # the whole run, faint, under the part up to the chosen epoch
                ax.plot(t, getattr(history, f"{side}_{kind}"), color=color, alpha=0.15)
                lines[side, kind], = ax.plot([], [], color=color, linewidth=2, label=side,
                                             animated=True)
                lines[side, kind, "now"], = ax.plot([], [], "o", color=color, markersize=5,
                                                    animated=True)
        loss_ax.legend(loc="upper right", fontsize=8)
        cursor = [ax.axvline(0, color="0.3", linestyle=":", animated=True) for ax in (loss_ax, acc_ax)]
        score = acc_ax.text(0.97, 0.04, "", transform=acc_ax.transAxes, ha="right", fontsize=8,
                            animated=True)
        images, titles = [], []
        for slot in range(SHOWN):
            ax = fig.add_subplot(grid[slot // 4, 4 + slot % 4])
            images.append(ax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1, animated=True))
            titles.append(ax.set_title("0 → 0", fontsize=8))   # every label has this shape
            titles[-1].set_animated(True)
            ax.set_axis_off()
        return {"lines": lines, "cursor": cursor, "score": score, "images": images, "titles": titles}

    def update(state, p):
        t = p["epoch"]
        epochs = np.arange(t + 1)
        for (side, kind, *now), line in state["lines"].items():
            values = getattr(history, f"{side}_{kind}")
            line.set_data(([t], values[t:t + 1]) if now else (epochs, values[:t + 1]))
        for line in state["cursor"]:
            line.set_xdata([t, t])
        wrong = history.misclassified(t, SHOWN)
        state["score"].set_text(f"epoch {t}: test accuracy {history.test_accuracy[t]:.1%}")
        for slot, (image, title) in enumerate(zip(state["images"], state["titles"])):
            if slot < len(wrong):
                row = wrong[slot]
                image.set_data(history.X_test[row].reshape(8, 8))
                title.set_text(f"{history.labels_test[row]} → {history.predictions[t, row]}")
            else:
                image.set_data(np.zeros((8, 8)))
                title.set_text("–")

    def describe(p):
        t = p["epoch"]
        wrong = int(np.sum(history.predictions[t] != history.labels_test))
        return (f"<p>After {t} epoch{'s' if t != 1 else ''}: training loss "
                f"{history.train_loss[t]:.3f}, test accuracy {history.test_accuracy[t]:.1%} "
                f"({wrong} of {len(history.labels_test)} test digits wrong). Each small image is "
                "a test digit the network gets wrong at this epoch, titled true → predicted.</p>")

    return Demo(
        "Training on handwritten digits",
        [int_slider("epoch", "epoch", 0, E, E)],
        setup, update, describe, figsize=(9.6, 3.6),
        alt="Left: training and test loss falling over the epochs. Middle: training and test "
            "accuracy rising towards one. Right: eight small 8 by 8 test digits that the network "
            "misclassifies at the chosen epoch, each titled with the true and predicted digit.")
