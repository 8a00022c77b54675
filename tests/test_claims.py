"""The prose's findings hold in the committed outputs, read as intervals.

Each chapter glues its per-seed values (``*_runs``); a claim "A beats B" is
tested on Welch's 95 % interval of the difference (``helpers.stats``), a
claim "no difference" on that interval containing 0, never on one number.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers import stats

ROOT = Path(__file__).resolve().parent.parent


def glued(stem: str) -> dict:
    """name -> value of every glue() output of a chapter (numbers, lists)."""
    path = ROOT / "book" / f"{stem}.ipynb"
    if not path.exists():
        pytest.skip(f"{stem} is not in the book")
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
