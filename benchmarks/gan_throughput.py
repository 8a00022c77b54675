"""How fast the GAN trainers are: the lecture's loop, the compiled trainer, bfloat16.

    python benchmarks/gan_throughput.py            # full run (about 20 minutes on 2 cores)
    python benchmarks/gan_throughput.py --quick    # a short check that everything runs
    python benchmarks/gan_throughput.py --dense-only --intra-op-threads 1
    python benchmarks/gan_throughput.py --bf16-speed-only --repeats 21 --seconds 2

1. For the dense GAN (batch 32, the lecture's) and the DCGAN (batch 32, 64, 128): images
   per second of (a) the lecture's two-phase ``train_on_batch`` loop
   (``helpers.lecture_gan.two_phase_step``) and (b) the compiled trainer
   (``helpers.gan.GAN``) in several variants, on the same networks, batch and update rule,
   alternating a and b in every repeat; the ratio b/a as min / median / max. The
   "fused RMSprop" variants, the chapters' default, make Keras' RMSprop update with one
   kernel per weight (``helpers.optimizers.FusedRMSprop``, tested equal); the lecture
   loop keeps Keras' RMSprop. With ``--intra-op-threads N``
   TensorFlow splits each op over N threads instead of its default (one per core), in
   both trainers alike.
2. Where a dense-GAN step's time goes: what the lecture loop adds (Python, per-call
   overhead, Keras' unfused RMSprop), the input pipeline, the matrix multiplies, and the
   rest of the compiled step.
3. bfloat16 on CPUs that have it (``avx512_bf16`` or ``amx_bf16`` in /proc/cpuinfo): the
   DCGAN step's throughput under ``mixed_bfloat16`` against float32 (alternated
   repeats, as in 1), and the
   judge's Fréchet distance after the same epochs on a subset, from several seeds each.

Results go to ``benchmarks/results.json`` and, as the tables the appendix includes,
``benchmarks/results.md`` (``results-threads1.*`` with one thread per op,
``results-bf16-speed.json`` for ``--bf16-speed-only``; ``--tag run2`` makes them
``results-run2*``).
Each result keeps its per-repeat rates, so a slow stretch can be seen, not only guessed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import helpers  # noqa: E402,F401  (pins the backend, quiet TensorFlow)
from helpers import (  # noqa: E402
    classifier,
    data,
    gan_networks,
    lecture_gan,
    recipes,
    runtime,
    stats,
)
from helpers.gan import GAN  # noqa: E402
from helpers.optimizers import FusedRMSprop  # noqa: E402
from helpers.precision import bf16_flags  # noqa: E402
from helpers.samplers import DecoderSampler  # noqa: E402
from helpers.training import epoch_batches  # noqa: E402

CODINGS = {"dense": 30, "dcgan": 100}
# helpers.gan.GAN's default optimizer, as chapter 7's recipe compiles it
DENSE_DEFAULT = (
    "compiled, 64 steps per call, fused RMSprop (the chapters' default)"
)


def build(kind: str, seed: int = 0):
    keras.utils.set_random_seed(seed)
    if kind == "dense":
        return gan_networks.dense_generator(
            30
        ), gan_networks.dense_discriminator()
    return gan_networks.dcgan_generator(
        100, 64
    ), gan_networks.dcgan_discriminator(64)


def optimizer(
    kind: str, fused: bool = False
) -> keras.optimizers.Optimizer:
    """The recipe's optimizer: RMSprop (Keras' or fused) or Radford et al.'s Adam."""
    if kind == "dense":
        return FusedRMSprop() if fused else keras.optimizers.RMSprop()
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


class Lecture:
    """(a) The lecture's loop: train_on_batch on each network in turn."""

    def __init__(self, kind: str, images: np.ndarray, batch: int):
        self.generator, self.discriminator = build(kind)
        self.discriminator.compile(
            loss="binary_crossentropy", optimizer=optimizer(kind)
        )
        self.gan = keras.Sequential([self.generator, self.discriminator])
        self.gan.compile(
            loss="binary_crossentropy", optimizer=optimizer(kind)
        )
        self.images, self.batch, self.rng = (
            images,
            batch,
            np.random.default_rng(0),
        )

    def run(self, steps: int) -> float:
        start = time.perf_counter()
        for i in range(steps):
            j = (i * self.batch) % (len(self.images) - self.batch)
            lecture_gan.two_phase_step(
                self.generator,
                self.discriminator,
                self.gan,
                self.images[j : j + self.batch],
                rng=self.rng,
            )
        return time.perf_counter() - start


class Compiled:
    """(b) helpers.gan.GAN fed by the trainer's own pipeline (or a constant batch)."""

    def __init__(
        self,
        kind: str,
        images: np.ndarray,
        batch: int,
        constant: bool = False,
        fused: bool = True,
        **compile_kwargs,
    ):
        generator, discriminator = build(kind)
        lo = 0.0 if kind == "dense" else -1.0
        self.model = GAN(
            generator, discriminator, seed=0, data_range=(lo, 1.0)
        )
        self.model.compile(
            d_optimizer=optimizer(kind, fused),
            g_optimizer=optimizer(kind, fused),
            **compile_kwargs,
        )
        if constant:
            self.dataset = tf.data.Dataset.from_tensors(
                images[:batch]
            ).repeat()
        else:
            self.dataset, _ = epoch_batches(
                [images], batch, 0, 10_000, drop_remainder=True
            )

    def __call__(self, steps: int) -> float:
        """Seconds for ``steps`` steps (run as a multiple of the steps per call)."""
        per_call = self.model.steps_per_execution
        run = max(per_call, steps - steps % per_call)
        start = time.perf_counter()
        self.model.fit(
            self.dataset,
            steps_per_epoch=run,
            epochs=1,
            verbose=0,
            shuffle=False,
        )
        return (time.perf_counter() - start) * steps / run


def ratio_summary(
    base: list[float], other: list[float]
) -> dict[str, float]:
    """Min, median and max of ``other / base``, one ratio per repeat.

    Each ratio divides two rates timed back to back, so a slow stretch that
    spans the whole repeat cancels; a pause on one side makes that repeat an
    outlier, which the median resists.
    """
    ratio = [b / a for a, b in zip(base, other, strict=True)]
    return {
        "min": min(ratio),
        "median": statistics.median(ratio),
        "max": max(ratio),
    }


def measure(kind, batch, images, repeats, seconds, variants) -> dict:
    """Alternate the lecture loop and each variant; images/s and ratios."""
    lecture = Lecture(kind, images, batch)
    trainers = {
        name: Compiled(kind, images, batch, **options)
        for name, options in variants.items()
    }
    lecture.run(3)
    steps_a = max(5, int(seconds / (lecture.run(5) / 5)))
    steps_b = {}
    for name, trainer in trainers.items():
        trainer(3 * trainer.model.steps_per_execution)
        per_step = trainer(64) / 64
        steps_b[name] = max(64, int(seconds / per_step))
    rates = {"lecture loop": []} | {name: [] for name in trainers}
    for _ in range(repeats):
        rates["lecture loop"].append(
            steps_a * batch / lecture.run(steps_a)
        )
        for name, trainer in trainers.items():
            rates[name].append(
                steps_b[name] * batch / trainer(steps_b[name])
            )
    result = {
        "model": kind,
        "batch": batch,
        "images_per_s": {
            k: statistics.median(v) for k, v in rates.items()
        },
        "ratios": {},
        "rates": rates,
    }
    for name in trainers:
        result["ratios"][name] = ratio_summary(
            rates["lecture loop"], rates[name]
        )
    return result


def dcgan_step_flops(
    batch: int, width: int = 64, codings: int = 100
) -> float:
    """FLOPs of one DCGAN step from the layer shapes (MAC = 2 FLOPs, backward = 2x).

    G forward once (phase 1 fakes), D forward + backward on the concatenated real and
    fake halves (2 batches), G and D forward + backward in phase 2: 4 G_f + 9 D_f per
    image. Batch normalisation, activations and optimizer updates are left out.
    """
    g = (
        codings * 7 * 7 * 2 * width
        + 7 * 7 * 4 * 4 * 2 * width * width
        + 14 * 14 * 4 * 4 * width
    )
    d = (
        14 * 14 * 4 * 4 * width
        + 7 * 7 * 4 * 4 * width * 2 * width
        + 7 * 7 * 2 * width
    )
    return batch * (4 * 2.0 * g + 9 * 2.0 * d)


def dense_step_flops(batch: int, codings: int = 30) -> float:
    """FLOPs of one dense-GAN step, counted as in :func:`dcgan_step_flops`."""
    g = codings * 100 + 100 * 150 + 150 * 784
    d = 784 * 150 + 150 * 100 + 100
    return batch * (4 * 2.0 * g + 9 * 2.0 * d)


def peak_flops() -> tuple[float, str]:
    """Peak FP32 FLOP/s of this CPU from cores, nominal clock and vector units."""
    flags, mhz, vendor, family = set(), 0.0, "", 0
    try:
        for line in open("/proc/cpuinfo"):
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "flags" and not flags:
                flags = set(value.split())
            elif key == "cpu MHz" and not mhz:
                mhz = float(value)
            elif key == "vendor_id" and not vendor:
                vendor = value.strip()
            elif key == "cpu family" and not family:
                family = int(value)
    except OSError:
        return float("nan"), "unknown (no /proc/cpuinfo)"
    cores = os.cpu_count() or 1
    if "avx512f" in flags and (vendor != "AuthenticAMD" or family >= 26):
        per_cycle, why = (
            64,
            "AVX-512 at full width: 2 FMA units x 16 lanes x 2 FLOPs",
        )
    elif "fma" in flags:
        per_cycle, why = 32, "2 FMA units x 8 lanes (256-bit) x 2 FLOPs"
    else:
        per_cycle, why = 16, "no FMA: 2 units x 8 lanes x 1 FLOP"
    return (
        cores * mhz * 1e6 * per_cycle,
        f"{cores} cores x {mhz / 1000:.2f} GHz (nominal) x {per_cycle} FLOP/cycle "
        f"({vendor} family {family}; {why})",
    )


def step_breakdown(images: np.ndarray, seconds: float) -> dict:
    """Where a dense-GAN step (batch 32) goes: per-step seconds of each part
    (medians of 5 turns, each part once per turn)."""
    batch = 32
    lecture = Lecture("dense", images, batch)
    lecture.run(3)
    n = max(50, int(seconds / (lecture.run(10) / 10)))
    pipe = Compiled("dense", images, batch, steps_per_execution=64)
    const = Compiled(
        "dense", images, batch, constant=True, steps_per_execution=64
    )
    for t in (pipe, const):
        t(128)
    m = 64 * max(2, int(seconds / (const(640) / 640) / 64))
    # The step's matrix multiplies alone, in one compiled function.
    shapes = []
    for rows in (2 * batch, batch):  # phase 1 (D on both halves), phase 2
        shapes += [(rows, 784, 150), (rows, 150, 100), (rows, 100, 1)]
    shapes += [(batch, 30, 100), (batch, 100, 150), (batch, 150, 784)] * 2
    mats = [
        (tf.random.normal((r, k)), tf.random.normal((k, c)))
        for r, k, c in shapes
    ]

    @tf.function
    def gemms():
        total = 0.0
        for a, b in mats:
            y = a @ b  # forward
            # weight and input gradients, transposed inside the kernel
            total += tf.reduce_sum(tf.matmul(a, y, transpose_a=True))
            total += tf.reduce_sum(tf.matmul(y, b, transpose_b=True))
        return total

    gemms()
    k = max(200, int(seconds / 5e-4))

    def t_gemm_run() -> float:
        start = time.perf_counter()
        for _ in range(k):
            gemms()
        return (time.perf_counter() - start) / k

    # Each part timed 5 times in turn; medians.
    parts = {"lecture": [], "pipe": [], "const": [], "gemm": []}
    for _ in range(5):
        parts["lecture"].append(lecture.run(n) / n)
        parts["pipe"].append(pipe(m) / m)
        parts["const"].append(const(m) / m)
        parts["gemm"].append(t_gemm_run())
    t_lecture, t_pipe, t_const, t_gemm = (
        statistics.median(v) for v in parts.values()
    )
    return {
        "lecture loop step": t_lecture,
        "compiled step, trainer's pipeline": t_pipe,
        "compiled step, constant batch": t_const,
        "matrix multiplies of one step": t_gemm,
        "parts": {
            "Python, per-call overhead and unfused RMSprop of the lecture loop": t_lecture
            - t_pipe,
            "input pipeline": max(0.0, t_pipe - t_const),
            "matrix multiplies": t_gemm,
            "other ops of the step (activations, optimizers, metrics)": max(
                0.0, t_const - t_gemm
            ),
        },
    }


def steadiness(seconds: float, slice_s: float = 0.1) -> dict:
    """How steadily this machine runs a fixed load: work done per time slice.

    A small matrix product repeated for ``seconds``, counted per slice of
    ``slice_s`` seconds. On a quiet machine every slice does about the same
    work; a host that pauses the virtual machine leaves slices far below the
    median, and long timed runs absorb those pauses.
    """
    a = np.random.default_rng(0).random((128, 128)).astype("float32")
    counts = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        stop, n = time.perf_counter() + slice_s, 0
        while time.perf_counter() < stop:
            a @ a
            n += 1
        counts.append(n)
    median = statistics.median(counts)
    return {
        "seconds": seconds,
        "slice_s": slice_s,
        "slices": len(counts),
        "share_below_half": sum(c < median / 2 for c in counts)
        / len(counts),
    }


def policy_dcgan(
    policy: str, images: np.ndarray, seed: int, epochs: int
) -> tuple[keras.Model, Callable[[], tuple[tf.data.Dataset, int]]]:
    """The chapters' DCGAN recipe (batch 128) under ``policy``, and a
    function that returns its batches for ``epochs`` epochs and the steps
    in one (called once for the trace and once for the timed fit; both
    see the same order)."""
    recipe = recipes.dcgan(
        epochs, n_train=len(images), seed=seed, precision=policy
    )
    keras.utils.set_random_seed(seed)
    model = recipe.build()

    def batches():
        return epoch_batches(
            [images], 128, seed, epochs, drop_remainder=True
        )

    return model, batches


class PolicyTrainer:
    """The chapters' DCGAN recipe (batch 128) under one dtype policy."""

    def __init__(self, policy: str, images: np.ndarray):
        self.model, batches = policy_dcgan(policy, images, 0, 10_000)
        self.dataset, _ = batches()

    def __call__(self, steps: int) -> float:
        start = time.perf_counter()
        self.model.fit(
            self.dataset,
            steps_per_epoch=steps,
            epochs=1,
            verbose=0,
            shuffle=False,  # the dataset is shuffled
        )
        return time.perf_counter() - start


def bf16_speed(images: np.ndarray, repeats: int, seconds: float) -> dict:
    """float32 and mixed_bfloat16 alternated in each repeat, as the trainers
    (which goes first alternates too).

    Short alternated runs, not the long quality runs below: on a shared
    virtual machine a long run's time also holds the host's pauses.
    """
    trainers = {
        policy: PolicyTrainer(policy, images)
        for policy in ("float32", "mixed_bfloat16")
    }
    steps = {}
    for policy, trainer in trainers.items():
        trainer(3)  # trace
        steps[policy] = max(3, int(seconds / (trainer(5) / 5)))
    rates = {policy: [] for policy in trainers}
    order = list(trainers)
    for _ in range(repeats):
        # each policy goes first in every other repeat
        for policy in order:
            n = steps[policy]
            rates[policy].append(n * 128 / trainers[policy](n))
        order.reverse()
    return {
        "images_per_s": {
            p: statistics.median(r) for p, r in rates.items()
        },
        "ratio": ratio_summary(rates["float32"], rates["mixed_bfloat16"]),
        "rates": rates,
    }


def bf16_quality(seeds: list[int], epochs: int, n_train: int) -> dict:
    """The DCGAN under float32 and mixed_bfloat16: throughput and Fréchet distance."""
    fashion = data.load_fashion_mnist()
    x = fashion.x_train[:n_train] * 2.0 - 1.0
    judge = classifier.load_classifier()
    judge.set_reference(fashion.x_test)
    out = {}
    for policy in ("float32", "mixed_bfloat16"):
        fids, rates = [], []
        for seed in seeds:
            model, batches = policy_dcgan(policy, x, seed, epochs)
            ds, _ = batches()
            model.fit(
                ds.take(3),
                steps_per_epoch=3,
                epochs=1,
                verbose=0,
                shuffle=False,
            )  # trace
            ds, steps = batches()
            start = time.perf_counter()
            model.fit(
                ds,
                steps_per_epoch=steps,
                epochs=epochs,
                verbose=0,
                shuffle=False,
            )
            rates.append(
                steps * epochs * 128 / (time.perf_counter() - start)
            )
            sampler = DecoderSampler(
                model.generator, "normal", (-1.0, 1.0)
            )
            fids.append(
                judge.score(sampler.sample(5_000, seed=seed))["fid"]
            )
        out[policy] = {"fid": fids, "images_per_s": rates}
    f32, b16 = out["float32"], out["mixed_bfloat16"]
    out["fid_verdict"] = stats.verdict(
        b16["fid"],
        f32["fid"],
        ("bfloat16", "float32"),
        lower_is_better=True,
        width=10_000,
    )
    return out


def result_suffix(args: argparse.Namespace) -> str:
    """What the result files' names add: quick, the tag, threads per op
    (or -dense: a dense-only run never overwrites the full run's results)."""
    suffix = "-quick" if args.quick else ""
    if args.tag:
        suffix += f"-{args.tag}"
    if args.intra_op_threads:
        suffix += f"-threads{args.intra_op_threads}"
    elif args.dense_only:
        suffix += "-dense"
    return suffix


def run_settings(args: argparse.Namespace, steady: dict) -> dict:
    """The settings every result file records, with the steadiness probe."""
    return {
        "repeats": args.repeats,
        "seconds": args.seconds,
        "quick": args.quick,
        "intra_op_threads": args.intra_op_threads or "default",
        "steadiness": steady,
    }


def write_results(
    args: argparse.Namespace, stem: str, report: dict
) -> Path:
    """``report`` as ``<out>/<stem><suffix>.json``, stamped when finished."""
    report["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{stem}{result_suffix(args)}.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    return path


def bf16_speed_only(images: np.ndarray, args: argparse.Namespace) -> int:
    """The bfloat16 speed repeats alone, for a longer alternation than the
    full run affords; results-bf16-speed.json."""
    if not bf16_flags():
        print("this processor reports no bfloat16 instructions")
        return 1
    steady = steadiness(3.0 if args.quick else 30.0)
    print(f"steadiness: {steady}", flush=True)
    speed = bf16_speed(images[:2048] * 2 - 1, args.repeats, args.seconds)
    report = {
        "machine": runtime.describe_machine(),
        **run_settings(args, steady),
        "bf16_speed": speed,
    }
    write_results(args, "results-bf16-speed", report)
    print(json.dumps(report, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="numbers meaningless"
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    parser.add_argument("--skip-bf16", action="store_true")
    parser.add_argument(
        "--bf16-speed-only",
        action="store_true",
        help="only the alternated bfloat16/float32 DCGAN repeats "
        "(results-bf16-speed.json)",
    )
    parser.add_argument(
        "--dense-only", action="store_true", help="the dense GAN only"
    )
    parser.add_argument(
        "--tag",
        default="",
        help="added to the result files' names: results-TAG.json",
    )
    parser.add_argument(
        "--intra-op-threads",
        type=int,
        default=0,
        help="threads per op (0: TensorFlow's default)",
    )
    args = parser.parse_args(argv)
    if args.bf16_speed_only and (args.skip_bf16 or args.dense_only):
        parser.error(
            "--bf16-speed-only: runs only the bfloat16 repeats; it cannot "
            "be combined with --skip-bf16 or --dense-only"
        )
    if args.intra_op_threads:
        tf.config.threading.set_intra_op_parallelism_threads(
            args.intra_op_threads
        )
    if args.quick:
        args.repeats, args.seconds = 2, 0.3
    # Keras refuses XLA under TensorFlow's op determinism, which the chapters turn on;
    # here it stays off, so that every variant, XLA included, can be measured.
    runtime.seed_everything(0, deterministic=False)
    images = (
        np.random.default_rng(0).random((4096, 28, 28)).astype("float32")
    )
    if args.bf16_speed_only:
        return bf16_speed_only(images, args)
    plan = [
        (
            "dense",
            32,
            {
                "compiled, Keras' RMSprop": {"fused": False},
                "compiled, 64 steps per call, Keras' RMSprop": {
                    "steps_per_execution": 64,
                    "fused": False,
                },
                DENSE_DEFAULT: {"steps_per_execution": 64},
                "compiled, 64 steps per call, fused RMSprop, XLA": {
                    "steps_per_execution": 64,
                    "jit_compile": True,
                },
            },
        ),
    ] + [
        (
            "dcgan",
            b,
            {"compiled": {}, "compiled, XLA": {"jit_compile": True}},
        )
        for b in (32, 64, 128)
    ]
    if args.quick:
        plan = [
            ("dense", 32, {DENSE_DEFAULT: {"steps_per_execution": 64}}),
            ("dcgan", 32, {"compiled": {}}),
        ]
    if args.dense_only:
        plan = [step for step in plan if step[0] == "dense"]
    steady = steadiness(3.0 if args.quick else 30.0)
    print(f"steadiness: {steady}", flush=True)
    results = []
    for kind, batch, variants in plan:
        r = measure(
            kind,
            batch,
            images * 2 - 1 if kind == "dcgan" else images,
            args.repeats,
            args.seconds,
            variants,
        )
        results.append(r)
        for name, q in r["ratios"].items():
            print(
                f"{kind} {batch} {name}: {r['images_per_s'][name]:.0f} img/s, "
                f"b/a {q['min']:.2f}/{q['median']:.2f}/{q['max']:.2f}",
                flush=True,
            )
    breakdown = step_breakdown(images, args.seconds)
    print(json.dumps(breakdown, indent=1), flush=True)
    peak, how = peak_flops()
    flops = []
    for r in results:
        step = (
            dcgan_step_flops if r["model"] == "dcgan" else dense_step_flops
        )(r["batch"])
        best = max(r["images_per_s"], key=r["images_per_s"].get)
        achieved = r["images_per_s"][best] / r["batch"] * step
        flops.append(
            {
                "model": r["model"],
                "batch": r["batch"],
                "variant": best,
                "gflop_per_step": step / 1e9,
                "achieved_gflops": achieved / 1e9,
                "share_of_peak": achieved / peak,
            }
        )
    bf16 = {"flags": bf16_flags()}
    if bf16["flags"] and not (args.skip_bf16 or args.dense_only):
        seeds, epochs, n = (
            ([0, 1, 2], 3, 20_000) if not args.quick else ([0, 1], 1, 512)
        )
        bf16["speed"] = bf16_speed(
            images[:2048] * 2 - 1, args.repeats, args.seconds
        )
        bf16["speed_ratio"] = bf16["speed"]["ratio"]["median"]
        bf16.update(bf16_quality(seeds, epochs, n))
        bf16.update(seeds=seeds, epochs=epochs, n_train=n)
        bf16["gflops"] = (
            bf16["speed"]["images_per_s"]["mixed_bfloat16"]
            / 128
            * dcgan_step_flops(128)
            / 1e9
        )
        print(
            json.dumps(
                {k: v for k, v in bf16.items()}, indent=1, default=str
            ),
            flush=True,
        )
    report = {
        "machine": runtime.describe_machine(),
        "peak_gflops": peak / 1e9,
        "peak_derivation": how,
        **run_settings(args, steady),
        "results": results,
        "flops": flops,
        "breakdown": breakdown,
        "bf16": bf16,
    }
    path = write_results(args, "results", report)
    path.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured on {m['processor']}, {m['cpu_cores']} cores; TensorFlow "
        f"{m['tensorflow']}, Keras {m['keras']}; threads per op: "
        f"{report.get('intra_op_threads', 'default')}; {report['repeats']} alternated repeats "
        f"of about {report['seconds']:.0f} s each; {report['finished']}.",
        "",
        "| model | batch | compiled trainer (b) | b, img/s | a, img/s | b/a median |",
        "|---|---:|---|---:|---:|---:|",
    ]
    st = report["steadiness"]
    lines[1:1] = [
        "",
        f"Steadiness of the machine: a fixed load, timed in {st['slices']} slices "
        f"of {st['slice_s']} s before the runs, did less than half its median "
        f"work in {st['share_below_half']:.0%} of them.",
    ]
    for r in report["results"]:
        for name, q in r["ratios"].items():
            lines.append(
                f"| {r['model']} | {r['batch']} | {name} | {r['images_per_s'][name]:.0f} "
                f"| {r['images_per_s']['lecture loop']:.0f} | {q['median']:.2f} |"
            )
    lines += ["", "b/a min and max over the repeats:", ""]
    lines += [
        "| model | batch | trainer | min | max |",
        "|---|---:|---|---:|---:|",
    ]
    for r in report["results"]:
        for name, q in r["ratios"].items():
            lines.append(
                f"| {r['model']} | {r['batch']} | {name} | {q['min']:.2f} "
                f"| {q['max']:.2f} |"
            )
    lines += [
        "",
        f"Peak FP32: {report['peak_gflops']:.0f} GFLOP/s "
        f"({report['peak_derivation']}).",
        "",
        "| model | batch | GFLOP/step | GFLOP/s | of peak |",
        "|---|---:|---:|---:|---:|",
    ]
    for f in report["flops"]:
        lines.append(
            f"| {f['model']} | {f['batch']} | {f['gflop_per_step']:.3f} "
            f"| {f['achieved_gflops']:.0f} | {f['share_of_peak']:.0%} |"
        )
    b = report["breakdown"]
    lines += [
        "",
        "Where a dense-GAN step (batch 32) goes, milliseconds:",
        "",
        "| part | ms per step |",
        "|---|---:|",
    ]
    for part, seconds in b["parts"].items():
        lines.append(f"| {part} | {1000 * seconds:.3f} |")
    for whole in (
        "compiled step, trainer's pipeline",
        "compiled step, constant batch",
        "lecture loop step",
    ):
        lines.append(f"| whole step: {whole} | {1000 * b[whole]:.3f} |")
    bf = report["bf16"]
    lines += [
        "",
        f"bfloat16 instructions reported by the CPU: "
        f"{', '.join(bf['flags']) or 'none'}.",
    ]
    if "speed_ratio" in bf:
        f32, b16 = bf["float32"], bf["mixed_bfloat16"]
        speed, q = bf["speed"]["images_per_s"], bf["speed"]["ratio"]
        lines += [
            "",
            f"DCGAN (batch 128): img/s from {report['repeats']} alternated "
            "repeats (median); Fréchet distance after "
            f"{bf['epochs']} epochs on {bf['n_train']} images, seeds {bf['seeds']}:",
            "",
            "| policy | img/s (median) | img/s, whole quality runs | "
            "Fréchet (judge) |",
            "|---|---:|---:|---:|",
            *(
                f"| {name} | {speed[name]:.0f} | "
                + ", ".join(f"{r:.0f}" for r in runs["images_per_s"])
                + f" | {stats.summary(runs['fid']).format(1)} |"
                for name, runs in (
                    ("float32", f32),
                    ("mixed_bfloat16", b16),
                )
            ),
            "",
            f"Speed ratio bfloat16 / float32: {bf['speed_ratio']:.2f} "
            f"(min {q['min']:.2f}, max {q['max']:.2f}); "
            f"{bf['gflops']:.0f} GFLOP/s under bfloat16 "
            f"({bf['gflops'] / report['peak_gflops']:.0%} of the float32 peak). "
            f"Fréchet: {bf['fid_verdict']}.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
