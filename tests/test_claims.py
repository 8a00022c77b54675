"""The prose's findings hold in the committed outputs, read as intervals.

Each chapter glues its per-seed values (``*_runs``); a claim "A beats B" is
tested on Welch's 95 % interval of the difference (``helpers.stats``), a
claim "no difference" on that interval containing 0, never on one number.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers import stats
from helpers.data import FASHION_MNIST_CLASSES

ROOT = Path(__file__).resolve().parent.parent


def glued(stem: str) -> dict:
    """name -> value of every glue() output of a chapter (numbers, lists)."""
    path = ROOT / "book" / f"{stem}.ipynb"
    if not path.exists():
        pytest.skip(f"{stem} is not in the book")
    runs = json.loads((ROOT / "data" / "runs.json").read_text())
    if runs[f"book/{stem}.ipynb"]["profile"] == "smoke":
        # test_book checks that the page and the README say so
        pytest.skip(f"{stem}: smoke outputs, its cpu run is pending")
    nb = nbformat.read(path, as_version=4)
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                text = out["data"][meta["mime_prefix"] + "text/plain"]
                # np.float64(0.98) -> 0.98 (outputs stored before glue()
                # turned NumPy numbers inside lists into Python ones)
                text = re.sub(r"np\.\w+\(([^()]*)\)", r"\1", text)
                try:
                    values[meta["name"]] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    values[meta["name"]] = text.strip("'\"")
    return values


def num(v: dict, key: str) -> float:
    return float(v[key])


def better(a, b) -> bool:
    """a is lower than b: the 95 % interval of a - b lies below 0."""
    return stats.difference(a, b).high < 0


def spread(a, b) -> bool:
    """a and b are within the seed spread: the interval contains 0."""
    d = stats.difference(a, b)
    return d.low <= 0 <= d.high


def test_chapter1_every_seed_finds_pcas_plane():
    v = glued("01_pca_linear_autoencoder")
    angles = v["ch1_angles"]
    assert len(angles) >= 3 and max(angles) < 1.0  # degrees
    assert num(v, "ch1_worst_angle") == pytest.approx(
        max(angles), abs=1e-3
    )
    assert num(v, "ch1_r2") > 0.999


def test_chapter2_claims():
    v = glued("02_stacked_autoencoders")
    for k in (2, 10, 30):  # the AE is below PCA at every code size
        assert num(v, f"ch2_gain_lo_{k}") > 20
    gaps = [
        num(v, f"ch2_mse_pca_{k}") - num(v, f"ch2_mse_ae_{k}")
        for k in (2, 10, 30)
    ]
    assert gaps[0] > gaps[1] > gaps[2] > 0  # the absolute gap shrinks
    assert 45 < num(v, "ch2_params_ratio") < 55
    tied, untied = v["ch2_mse_tied_runs"], v["ch2_mse_untied_runs"]
    assert better(untied, tied)  # tying costs a little error ...
    assert np.mean(tied) < 1.15 * np.mean(untied)  # ... a small price
    assert spread(v["ch2_gap_tied_runs"], v["ch2_gap_untied_runs"])
    # t-SNE: no faster on the codings, and less faithful to the pixels
    assert spread(
        v["ch2_tsne_seconds_codes_runs"], v["ch2_tsne_seconds_pixels_runs"]
    )
    assert better(
        v["ch2_tsne_trust_codes_runs"], v["ch2_tsne_trust_pixels_runs"]
    )
    assert num(v, "ch2_trust_pca") < num(v, "ch2_trust_ae")
    # solution 1: the shallow AE beats PCA (no seed) but not the deep one
    shallow = v["ch2_shallow_runs"]
    assert max(shallow) < num(v, "ch2_mse_pca_30")
    assert better(v["ch2_mse_untied_runs"], shallow)


def test_chapter3_claims():
    v = glued("03_pretraining")
    runs = {
        k[: -len("_runs")]: x for k, x in v.items() if k.endswith("_runs")
    }
    # Greedy stacking, even fine-tuned, ends worse than end to end.
    assert better(runs["ch3_mse_e2e"], runs["ch3_mse_greedy_ft"])
    assert better(runs["ch3_mse_greedy_ft"], runs["ch3_mse_greedy"])
    # The 2007 result does not appear: the interval contains 0.
    assert spread(runs["ch3_sig_pre"], runs["ch3_sig_rand"])
    for data in ("fashionmnist", "mnist"):
        arm = {
            k: runs[f"ch3_{data}_{k}_100"]
            for k in ("scratch", "finetuned", "frozen", "lrpix")
        }
        # 100 labels: fine-tuned and scratch within the spread, and no
        # network is above logistic regression on the pixels.
        assert spread(arm["finetuned"], arm["scratch"])
        for net in ("scratch", "finetuned", "frozen"):
            assert not better(arm["lrpix"], arm[net])
        for n in (1000, 5000):  # fine-tuned's mean is above scratch's
            assert np.mean(runs[f"ch3_{data}_finetuned_{n}"]) > np.mean(
                runs[f"ch3_{data}_scratch_{n}"]
            )
        for n in (100, 1000, 5000, 55000):  # PCA's probe is the higher
            assert np.mean(runs[f"ch3_{data}_lrpca_{n}"]) > np.mean(
                runs[f"ch3_{data}_frozen_{n}"]
            ) - (0.002 if n == 55000 else 0)
    # The one interval that excludes 0 among the mid label counts.
    assert better(
        [-x for x in runs["ch3_fashionmnist_finetuned_5000"]],
        [-x for x in runs["ch3_fashionmnist_scratch_5000"]],
    )


def test_chapter4_claims():
    v = glued("04_conv_recurrent_denoising_sparse")
    r = {
        k[: -len("_runs")]: x for k, x in v.items() if k.endswith("_runs")
    }
    assert better(r["ch4_mse_conv"], r["ch4_mse_dense"])
    assert better(r["ch4_mse_conv"], r["ch4_mse_recurrent"])
    assert num(v, "ch4_params_conv") < 0.55 * num(v, "ch4_params_dense")
    sigmas = (10, 20, 30, 50)
    # The plain AE raises strong noise's PSNR and lowers mild noise's.
    assert min(r["ch4_psnr_0_30"]) > num(v, "ch4_psnr_input_30")
    assert max(r["ch4_psnr_0_10"]) < num(v, "ch4_psnr_input_10")
    for test in sigmas:  # each column's best is on or next to the diagonal
        col = {t: np.mean(r[f"ch4_psnr_{t}_{test}"]) for t in sigmas}
        best = max(col, key=col.get)
        assert abs(sigmas.index(best) - sigmas.index(test)) <= 1
    assert better(
        [-x for x in r["ch4_psnr_20_20"]], [-x for x in r["ch4_psnr_0_20"]]
    )
    # "a few hundredths of a decibel to two tenths"
    sds = [np.std(x, ddof=1) for k, x in r.items() if "psnr" in k]
    assert max(sds) < 0.25
    assert (
        abs(num(v, "ch4_psnr_wrong") - num(v, "ch4_psnr_right") - 48.13)
        < 0.01
    )
    # Sparsity: KL reaches its target, L1 goes lower, both cost error.
    assert abs(num(v, "ch4_sparse_mean_kl") - num(v, "ch4_target")) < 0.01
    assert num(v, "ch4_sparse_mean_l1") < num(v, "ch4_sparse_mean_kl")
    assert num(v, "ch4_sparse_mean_none") > 0.3
    for kind in ("l1", "kl"):
        assert better(
            r["ch4_sparse_mse_none"], r[f"ch4_sparse_mse_{kind}"]
        )


def test_chapter5_claims():
    v = glued("05_variational_autoencoders")

    def runs(prefix: str) -> dict:
        return {
            k[len(prefix) : -len("_runs")]: x
            for k, x in v.items()
            if k.startswith(prefix) and k.endswith("_runs")
        }

    fid, psnr = runs("ch5_fid_"), runs("ch5_psnr_")
    active = runs("ch5_active_")
    # Active units: every unit at latent size 2 in every seed; most
    # switched off at 32 and 64, and 64 adds none within the seed spread
    assert all(c == 2 for c in active["2"]) and len(active["2"]) >= 3
    assert stats.summary(active["32"]).high < 32 / 2
    assert not better(active["32"], active["64"])
    # "the plain autoencoder reconstructs better at every latent size"
    # (reconstruction does not depend on the sampler: full = diagonal)
    for k in (2, 32, 64):
        assert psnr[f"ae_{k}_full"] == psnr[f"ae_{k}_diagonal"]
        assert better(
            [-p for p in psnr[f"ae_{k}_full"]],
            [-p for p in psnr[f"vae_{k}"]],
        )
    # "the 64-D VAE reconstructs no better than the 32-D one"
    assert not better(
        [-p for p in psnr["vae_64"]], [-p for p in psnr["vae_32"]]
    )
    # A full covariance beats a diagonal one at 32 and 64, not at 2
    for k in (32, 64):
        assert better(fid[f"ae_{k}_full"], fid[f"ae_{k}_diagonal"])
    assert spread(fid["ae_2_full"], fid["ae_2_diagonal"])
    # The VAE beats the diagonal Gaussian at 32 and 64 and the full one at
    # no size: within the spread at 2 and 64, worse at 32; at 2 within the
    # spread of the diagonal one too
    for k in (32, 64):
        assert better(fid[f"vae_{k}"], fid[f"ae_{k}_diagonal"])
    for k in (2, 32, 64):
        assert not better(fid[f"vae_{k}"], fid[f"ae_{k}_full"])
    assert spread(fid["vae_2"], fid["ae_2_full"])
    assert spread(fid["vae_64"], fid["ae_64_full"])
    assert better(fid["ae_32_full"], fid["vae_32"])
    assert spread(fid["vae_2"], fid["ae_2_diagonal"])
    # β: KL and test PSNR fall at each step from 0.2 to 1 to 5
    kl = [v[f"ch5_beta_kl_{t}_runs"] for t in ("0_2", "1_0", "5_0")]
    rec = [v[f"ch5_beta_psnr_{t}_runs"] for t in ("0_2", "1_0", "5_0")]
    for lo, hi in ((1, 0), (2, 1)):
        assert better(kl[lo], kl[hi])
        assert better([-p for p in rec[lo]], [-p for p in rec[hi]])
    # Likelihood: every seed's estimate is above Burda et al.'s 86.76
    # nats, and the negative ELBO is looser than the k-sample bound
    nll, elbo = v["ch5_nll_runs"], v["ch5_elbo_runs"]
    assert len(nll) >= 3 and min(nll) > 86.76
    assert better(nll, elbo)
    assert num(v, "ch5_nll") == pytest.approx(np.mean(nll), abs=1e-2)
    # Convolutional VAE: higher PSNR and a higher (worse) Fréchet distance
    # than the dense 32-D one
    conv_psnr = v["ch5_psnr_conv_vae_runs"]
    assert better([-p for p in psnr["vae_32"]], [-p for p in conv_psnr])
    assert better(fid["vae_32"], v["ch5_fid_conv_vae_runs"])
    # Per-class PSNR (first seed): the worst class is one with handles or
    # straps, the best a trouser
    assert v["ch5_worst_class"] in ("Bag", "Sandal")
    assert v["ch5_best_class"] == "Trouser"


def test_chapter7_claims():
    v = glued("07_gans")
    # "the compiled trainer ran an epoch ...x faster" (timed once)
    assert num(v, "ch7_speedup") > 1
    # the counts under the loss table are those of the per-seed values
    g_first, g_min = v["ch7_g_first_runs"], v["ch7_g_min_runs"]
    d_first, d_low = v["ch7_d_first_runs"], v["ch7_d_at_g_min_runs"]
    start = sum(
        m < f and d > d0
        for f, m, d0, d in zip(g_first, g_min, d_first, d_low)
    )
    assert num(v, "ch7_n_start") == start
    assert num(v, "ch7_n_back_up") == sum(
        last > m for last, m in zip(v["ch7_g_last_runs"], g_min)
    )
    assert num(v, "ch7_n_acc_up") == sum(
        last > low
        for last, low in zip(
            v["ch7_acc_last_runs"], v["ch7_acc_at_g_min_runs"]
        )
    )
    # "in no seed does it [the Fréchet distance after the fifth epoch]
    # fall steadily": no seed's rank correlation with the epoch is near -1
    rho = v["ch7_fid_rho_runs"]
    assert len(rho) >= 3 and min(rho) > -0.5
    # the prior verdict lines (intervals over the seeds): both centre-only
    # lines find the centred prior better, the scale-only line is within
    # the seed spread, N(0, 1) beats U(-1, 1) and the Weibull prior
    fid = {
        p: v[f"ch7_fid_{p}_runs"]
        for p in (
            "normal",
            "uniform",
            "uniform_sym",
            "uniform_centred",
            "uniform_wide",
            "weibull",
        )
    }
    assert all(len(runs) >= 3 for runs in fid.values())
    assert better(fid["uniform_centred"], fid["uniform"])
    assert better(fid["uniform_sym"], fid["uniform_wide"])
    assert spread(fid["uniform_centred"], fid["uniform_sym"])
    assert better(fid["normal"], fid["uniform_sym"])
    assert better(fid["normal"], fid["weibull"])
    assert better(fid["normal"], fid["uniform"])
    # "mostly a statement about the centre ... a small gap from shape and
    # scale together": each centre-only gap's interval lies above the
    # interval of the N(0, 1) - U(-1, 1) gap
    gap = stats.difference(fid["uniform_sym"], fid["normal"])
    for worse, centred in (
        ("uniform", "uniform_centred"),
        ("uniform_wide", "uniform_sym"),
    ):
        assert stats.difference(fid[worse], fid[centred]).low > gap.high
    # "the three non-centred priors collapse": about one class on average
    # over the last five epochs (mean ± sd over the seeds in the table)
    for prior in ("uniform", "uniform_wide", "weibull"):
        assert num(v, f"ch7_cov_{prior}") < 1.5 < num(v, "ch7_cov_normal")
    # centred codings point in unrelated directions, non-centred ones
    # nearly the same way
    assert abs(num(v, "ch7_cos_normal")) < 0.1
    for prior in ("uniform", "uniform_wide", "weibull"):
        assert num(v, f"ch7_cos_{prior}") > 0.5
    # pixel spread of the same untrained networks, in every seed: the
    # non-centred prior's images are more alike than the centred one's of
    # equal scale, and a smaller scale does the same
    runs = {
        p: v[f"ch7_spread_{p}_runs"]
        for p in (
            "uniform",
            "uniform_sym",
            "uniform_centred",
            "uniform_wide",
        )
    }
    pairs = [
        ("uniform_wide", "uniform_sym"),
        ("uniform", "uniform_centred"),
        ("uniform_centred", "uniform_sym"),
    ]
    for lower, higher in pairs:
        assert all(a < b for a, b in zip(runs[lower], runs[higher]))
    # "k of n seeds end with at least one class under 1 %"; where a seed
    # does, the collapse is partial: several classes remain
    counts = v["ch7_missing_counts"]
    assert num(v, "ch7_n_collapsed") == sum(c > 0 for c in counts)
    assert num(v, "ch7_n_collapsed_mbstd") == sum(
        c > 0 for c in v["ch7_mbstd_missing_counts"]
    )
    assert max(counts) <= 8
    # "One extra feature changes the picture": the Fréchet distance falls,
    # coverage and entropy rise (intervals over the seeds)
    assert better(v["ch7_fid_mbstd_runs"], v["ch7_fid_plain_runs"])
    for key in ("coverage", "entropy"):
        assert better(
            [-c for c in v[f"ch7_{key}_mbstd_runs"]],
            [-c for c in v[f"ch7_{key}_plain_runs"]],
        )
    # "k of n seeds end with a class under 1 %, against m without it:
    # fewer, but not none"
    assert 0 < num(v, "ch7_n_collapsed_mbstd") < num(v, "ch7_n_collapsed")
    # one more input to a 100-unit layer
    assert num(v, "ch7_mbstd_weights") == 100


def test_chapter8_claims():
    v = glued("08_dcgan_cgan")
    # "With the same recipe, the convolutional networks reach a lower
    # Fréchet distance than the dense ones"
    assert better(v["ch8_fid_dcgan_runs"], v["ch8_fid_dense_matched_runs"])
    # "the compute is not the same": a DCGAN epoch takes longer
    assert num(v, "ch8_cost_ratio") > 1
    # "more often than on real images, in every seed": each seed's share
    # lies above the real images' bootstrap interval
    assert min(v["ch8_unsure_fake_runs"]) > num(v, "ch8_unsure_real_high")
    # "every class's interval lies above the 10 % of chance" (one run)
    assert min(v["ch8_cgan_class_low"]) > 10
    assert num(v, "ch8_cgan_acc_low") > 10
    # the judge's four weakest classes on real images are tops
    weakest = set(str(v["ch8_judge_weakest"]).split(", "))
    assert weakest == {"T-shirt/top", "Pullover", "Coat", "Shirt"}
    # "number k from the bottom" of the judge's accuracy on real images
    real = np.array(v["ch8_judge_class_acc"])
    worst = FASHION_MNIST_CLASSES.index(str(v["ch8_cgan_worst"]))
    rank = 1 + int(np.sum(real < real[worst]))
    assert num(v, "ch8_cgan_worst_rank") == rank


def test_chapter9_claims():
    v = glued("09_beyond_gans")
    # "The critic's estimate and the Fréchet distance move together"
    # (dense WGAN-GP): rho defined and clearly positive in every seed.
    rho = v["ch9_rho_dense_runs"]
    assert len(rho) >= 3 and min(rho) > 0.5
    # InfoGAN: "well above chance (0.1 and 0 bits), and short of one
    # class per code value".
    acc, mi = v["ch9_info_acc_runs"], v["ch9_info_mi_runs"]
    assert stats.summary(acc).low > 0.2
    assert min(mi) > 0.5
    assert max(acc) < 0.95


def test_chapter10_claims():
    v = glued("10_diffusion")
    steps = num(v, "ch10_T")
    # The linear schedule's signal falls below 0.05 well before the last
    # step; the cosine schedule's only much later.
    assert num(v, "ch10_gone_linear") < 0.8 * steps
    assert num(v, "ch10_gone_cosine") > num(v, "ch10_gone_linear") + (
        0.1 * steps
    )
    # "DDIM with SCORE_STEPS steps is over ten times faster"
    assert num(v, "ch10_speedup") > 10
    # Solution 2: same noise, same images; other noise, other images.
    assert v["ch10_same_images"] is True
    assert num(v, "ch10_other_change") > 0.05


def test_chapter11_claims():
    v = glued("11_scoreboard")
    # The glued top row carries no star of its row name.
    assert "*" not in v["ch11_best"]
    assert "*" not in v["ch11_most_close"]
    # The AE 32 "draws clothes the judge recognises": nine classes or
    # more on average, and a Fréchet distance far below uniform noise's.
    assert num(v, "ch11_cov_ae_32") >= 9
    assert max(v["ch11_fid_ae_32_runs"]) < 0.5 * num(v, "ch11_noise_fid")
    # "better than k of the 4 VAEs" / "worse than k of them": the glued
    # counts are those of the verdict lines' intervals.
    vaes = ("vae_2", "vae_32", "vae_64", "conv_vae_32")
    mbstd = v["ch11_fid_dense_gan_plus_mbstd_runs"]
    dense = v["ch11_fid_dense_gan_runs"]
    runs = [v[f"ch11_fid_{k}_runs"] for k in vaes]
    beats = sum(
        len(mbstd) > 1 and len(r) > 1 and better(mbstd, r) for r in runs
    )
    trails = sum(
        len(dense) > 1 and len(r) > 1 and better(r, dense) for r in runs
    )
    assert beats == num(v, "ch11_mbstd_beats")
    assert trails == num(v, "ch11_dense_trails")
