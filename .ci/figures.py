"""Number the book's figures: a caption and a label for every code cell that draws one.

    python .ci/figures.py          # write the captions into the notebooks' cell metadata
    python .ci/figures.py --check  # exit 1 if a figure cell has no caption, or a caption no cell

MyST-NB turns an image output into a numbered figure when its cell's metadata holds
``mystnb: {figure: {name, caption}}``; the prose refers to it with
``{numref}`fig-...```. Captions live here, keyed by a piece of each cell's source, so
re-executing a chapter (which keeps cell metadata) never loses them, and a test checks
that every figure cell has one. Only metadata changes: code and outputs stay as run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

# notebook stem -> [(piece of the cell's source, label, caption)]
CAPTIONS: dict[str, list[tuple[str, str, str]]] = {
    "01_pca_linear_autoencoder": [
        (
            'ax.set_title("The 3-D training data")',
            "fig-ch1-data",
            "The 3-D training cloud: most of its spread lies in a tilted plane.",
        ),
        (
            "Linear autoencoder, training MSE",
            "fig-ch1-curve",
            "Training MSE of the linear autoencoder, per epoch (log scale).",
        ),
        (
            "codings_ae = encoder.predict(X",
            "fig-ch1-codings",
            "The data, the autoencoder's 2-D codings and PCA's projection: the same plane, up to a rotation and scaling.",
        ),
    ],
    "02_stacked_autoencoders": [
        (
            "fig = plots.image_grid(x_train[:20]",
            "fig-ch2-data",
            "Twenty Fashion-MNIST training images with their classes.",
        ),
        (
            "Stacked autoencoder 784-100-30",
            "fig-ch2-curve",
            "Training and validation loss of the stacked autoencoder 784-100-30-100-784.",
        ),
        (
            '"AE, 30 codings": stacke',
            "fig-ch2-recons",
            "Test images (top) and their reconstructions by the stacked autoencoder and by PCA, both with 30 codings.",
        ),
        (
            'ax.set_title("Fashion-MNIST test set")',
            "fig-ch2-mse-by-size",
            "Reconstruction error on the test set against the code size, autoencoder and PCA.",
        ),
        (
            "recs = {}",
            "fig-ch2-recons-by-size",
            "Reconstructions at each code size.",
        ),
        (
            'ax.set_title("Tied vs untied, code size 30")',
            "fig-ch2-tied",
            "Learning curves of the tied and the untied autoencoder (code size 30).",
        ),
        (
            "trustworthiness {scores[name]:.3f}",
            "fig-ch2-views",
            "The test set seen through the autoencoder's codings, PCA and t-SNE, with each view's trustworthiness.",
        ),
        (
            "def thumbnail_scatter(",
            "fig-ch2-thumbnails",
            "t-SNE of the 30-D codings, with some of the images placed at their points.",
        ),
        (
            "enc2, dec2, _ = models[2]",
            "fig-ch2-plane",
            "The 2-D code plane: test codings (left) and images decoded from a grid of points laid out the same way (right).",
        ),
        (
            "# Solution 3: a SELU code layer",
            "fig-ch2-selu-codes",
            "Exercise 3: the 2-D codes of an autoencoder with a SELU code layer.",
        ),
    ],
    "03_pretraining": [
        (
            "fig = plots.reconstruction_rows(x_test[:10], recs)",
            "fig-ch3-recons",
            "Reconstructions by the greedily pretrained stack, before and after fine-tuning, next to end-to-end training.",
        ),
        (
            "fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=False)",
            "fig-ch3-labels",
            "Test accuracy against the number of labelled images, with and without unsupervised pretraining (Fashion-MNIST and MNIST).",
        ),
    ],
    "04_conv_recurrent_denoising_sparse": [
        (
            'logs = {"conv": train(conv_ae',
            "fig-ch4-conv",
            "Test images and their reconstructions by the dense and the convolutional autoencoder.",
        ),
        (
            "rnn_encoder = keras.Sequential(",
            "fig-ch4-rnn",
            "Reconstructions by the recurrent autoencoder, which reads an image row by row.",
        ),
        (
            "rng = np.random.default_rng(SEED)",
            "fig-ch4-denoise",
            "Noisy test images and what the plain and the denoising autoencoders make of them.",
        ),
        (
            "rows = []",
            "fig-ch4-psnr",
            "PSNR against the noise level: the noisy input, the plain and the denoising autoencoder.",
        ),
        (
            'axes[0].set_title("mean activation of each of the 300 units',
            "fig-ch4-sparsity",
            "Activations of the 300 coding units: mean per unit (left) and the distribution of all activations (right), with and without sparsity penalties.",
        ),
    ],
    "05_variational_autoencoders": [
        (
            'ax.set_title(f"VAE {key} (per image; dashed: validation)")',
            "fig-ch5-curves",
            "VAE losses per epoch at latent sizes 2, 32 and 64: total, reconstruction and KL term.",
        ),
        (
            'reconstructions("training", x_train[:10])',
            "fig-ch5-recons-train",
            "Reconstructions of training images by the plain autoencoders and the VAEs.",
        ),
        (
            'reconstructions("test", x_test[:10])',
            "fig-ch5-recons-test",
            "Reconstructions of test images by the plain autoencoders and the VAEs.",
        ),
        (
            'fig.suptitle("Decoded random latent vectors"',
            "fig-ch5-samples",
            "Images decoded from random latent vectors: the VAEs generate, the plain autoencoders mostly do not.",
        ),
        (
            "n = 12",
            "fig-ch5-grids",
            "The 2-D latent planes of the plain autoencoder and the VAE: test codings with the grid, and the images decoded at the grid's points.",
        ),
        (
            "beta_vaes = {}",
            "fig-ch5-beta",
            "Reconstructions and samples of VAEs trained with different weights β of the KL term.",
        ),
        (
            'logs["conv_vae"] = train(cvae',
            "fig-ch5-conv-curves",
            "Learning curves of the convolutional VAE.",
        ),
        (
            '"conv VAE: reconstruction"',
            "fig-ch5-conv",
            "The convolutional VAE: reconstructions of test images and decoded samples.",
        ),
        (
            "vae32 = vaes[32]",
            "fig-ch5-arithmetic",
            "Latent arithmetic: codings moved along the direction from the mean T-shirt to the mean pullover.",
        ),
        (
            '"Sandal"))[0]',
            "fig-ch5-interpolation",
            "Interpolation in the latent space between two test images.",
        ),
        (
            "per_image = psnr(x_test, vae32.predict",
            "fig-ch5-psnr",
            "Distribution of the per-image PSNR of the VAE with 32 latent dimensions on the test set.",
        ),
        (
            "# Solution 1: a VAE with beta = 0",
            "fig-ch5-beta0",
            "Exercise 1: samples of a VAE trained with β = 0 next to β = 1.",
        ),
    ],
    "06_adversarial_examples": [
        (
            'glue("ch6_eps_paper", EPS_PAPER)',
            "fig-ch6-examples",
            "Test digits, the sign of the loss gradient, and the adversarial images with the classifier's answers.",
        ),
        (
            "def attack_curve(model, ds, epsilons):",
            "fig-ch6-curves",
            "Accuracy and confidence against ε, for the plain and the adversarially trained classifiers.",
        ),
        (
            "target = np.full(len(ds.y_test), 3)",
            "fig-ch6-targeted",
            "Targeted FGSM: digits pushed towards the class 3, with the classifier's answers.",
        ),
    ],
    "07_gans": [
        (
            "suptitle=f\"the lecture's loop after",
            "fig-ch7-lecture",
            "Samples of the lecture's loop after its first epoch(s).",
        ),
        (
            'suptitle=f"compiled trainer, N(0, 1) codings',
            "fig-ch7-samples",
            "Forty samples of the compiled GAN with N(0, 1) codings at the end of training.",
        ),
        (
            'grids = gan.SampleHistory.load(run.artifact_dir("gan_normal"))',
            "fig-ch7-progression",
            "The same ten codings over training, one row per epoch.",
        ),
        (
            'alt="dense GAN samples from fixed codings',
            "fig-ch7-animation",
            "The forty fixed codings after every epoch, as an animation.",
        ),
        (
            'keys=["d_loss", "g_loss"]',
            "fig-ch7-curves",
            "Losses, discriminator accuracy and the Fréchet distance to the test set, per epoch.",
        ),
        (
            "fig = plots.image_rows({p: models[p].generate(fixed_codings(p, 10))",
            "fig-ch7-priors",
            "Ten samples of the GAN trained with each prior.",
        ),
        (
            'axes[0].set(xlabel="epoch", ylabel="Fréchet distance", title="by prior")',
            "fig-ch7-prior-curves",
            "Fréchet distance and classes covered per epoch, for each prior.",
        ),
        (
            'title="the lecture\'s discriminator")',
            "fig-ch7-heatmaps",
            "Share of each class among the generated samples, per epoch: the lecture's discriminator (left) and with the minibatch standard deviation (right).",
        ),
        (
            'for key, ax in zip(["coverage", "entropy", "fid"], axes):',
            "fig-ch7-collapse-curves",
            "Coverage, class entropy and Fréchet distance per epoch, without and with the minibatch standard deviation.",
        ),
        (
            'suptitle="with the minibatch standard deviation feature"',
            "fig-ch7-mbstd-samples",
            "Samples of the GAN whose discriminator sees the minibatch standard deviation.",
        ),
    ],
    "08_dcgan_cgan": [
        (
            'fig = plots.image_rows({f"epoch {e}": grids[e][:10] for e in shown}',
            "fig-ch8-progression",
            "The DCGAN's samples from ten fixed codings at several points of training.",
        ),
        (
            "show_gif(plots.progression_gif(",
            "fig-ch8-animation",
            "The same forty codings after every epoch, as an animation (one frame per epoch).",
        ),
        (
            'suptitle=f"DCGAN after {EPOCHS} epochs"',
            "fig-ch8-samples",
            "Forty DCGAN samples at the end of training.",
        ),
        (
            'for ax, title in zip(axes, ["discriminator loss"',
            "fig-ch8-vs",
            "The dense GAN and the DCGAN per epoch: both losses, the Fréchet distance and the classes covered.",
        ),
        (
            "worst = np.argsort(p_fake.max(axis=1))[:10]",
            "fig-ch8-unsure",
            "The ten DCGAN samples the judge is least sure about, with its best guess.",
        ),
        (
            "rows = {name: gan.to_unit_range(cgan.generate(codings, np.full(10, k)))",
            "fig-ch8-cgan-grid",
            "The conditional GAN: one row per requested class, the same codings down each column.",
        ),
        (
            'ax.set(ylabel="judge agrees with the label", ylim=(0, 1))',
            "fig-ch8-cgan-accuracy",
            "Share of conditional samples the judge assigns to the requested class, per class.",
        ),
        (
            "# Solution 2: a straight line between two codings",
            "fig-ch8-interpolation",
            "Exercise 2: a straight line between two codings, with the label fixed.",
        ),
    ],
    "09_scoreboard": [
        (
            'axes[0].set(xlabel="Fréchet distance (judge features',
            "fig-ch9-bars",
            "The scoreboard as bars: Fréchet distance, class entropy and sharpness of every model.",
        ),
        (
            'fig = plots.image_rows({r["model"]: samples[r["model"]] for r in order}',
            "fig-ch9-samples",
            "Ten samples of every model, best Fréchet distance first.",
        ),
    ],
}


def add_reference(nb, cell, name: str) -> bool:
    """Refer to the figure in the prose above its cell, as "(Figure N)" before the last punctuation.

    Returns True if the notebook changed. Figures drawn by consecutive cells share one
    parenthesis: "(Figures 3, 4)". Prose that already names the label is left alone.
    """
    import re

    index = nb.cells.index(cell)
    above = next(
        (
            c
            for c in reversed(nb.cells[:index])
            if c.cell_type == "markdown"
        ),
        None,
    )
    if any(
        name in c.source for c in nb.cells if c.cell_type == "markdown"
    ):
        return False
    ref = "{numref}`" + name + "`"
    if above is None:
        nb.cells.insert(
            index, nbformat.v4.new_markdown_cell(f"See {ref}.")
        )
        return True
    text = above.source.rstrip()
    joint = re.search(r"\(((?:\{numref\}`[^`]+`(?:, )?)+)\)([.:]?)$", text)
    if joint:
        above.source = (
            text[: joint.start()]
            + f"({joint.group(1)}, {ref}){joint.group(2)}"
        )
    elif text.endswith(".)"):
        above.source = f"{text} See {ref}."
    elif text.endswith((".", ":")) and not text.endswith(("...", ":::")):
        above.source = f"{text[:-1]} ({ref}){text[-1]}"
    elif text and (text[-1].isalnum() or text[-1] in ")*`"):
        above.source = f"{text} ({ref})."
    else:
        above.source = f"{text}\n\nSee {ref}."
    return True


def figure_cells(nb) -> list:
    """Code cells that draw: an image, or an animation (an <img> in an HTML output)."""
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(
            "image/png" in o.get("data", {})
            or "<img " in str(o.get("data", {}).get("text/html", ""))
            for o in c.get("outputs", [])
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true")
    parser.add_argument(
        "stems", nargs="*", help="only these chapters (default: all)"
    )
    args = parser.parse_args(argv)
    problems = []
    for stem, entries in CAPTIONS.items():
        if args.stems and stem not in args.stems:
            continue
        path = ROOT / "book" / f"{stem}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        changed = False
        for piece, name, caption in entries:
            cells = [
                c
                for c in nb.cells
                if c.cell_type == "code" and piece in c.source
            ]
            if len(cells) != 1:
                problems.append(
                    f"{stem}: {len(cells)} cells contain {piece!r} (need exactly one)"
                )
                continue
            want = {"name": name, "caption": caption}
            if cells[0].metadata.get("mystnb", {}).get("figure") != want:
                changed = True
                cells[0].metadata.setdefault("mystnb", {})["figure"] = want
            if args.check:
                if not any(
                    name in c.source
                    for c in nb.cells
                    if c.cell_type == "markdown"
                ):
                    problems.append(
                        f"{stem}: the prose never refers to {name}"
                    )
            elif add_reference(nb, cells[0], name):
                changed = True
        for cell in figure_cells(nb):
            if "figure" not in cell.metadata.get("mystnb", {}):
                problems.append(
                    f"{stem}: a figure cell has no caption: {cell.source.splitlines()[0][:60]!r}"
                )
        if changed and not args.check:
            nbformat.write(nb, path)
        elif changed:
            problems.append(f"{stem}: captions differ from .ci/figures.py")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
