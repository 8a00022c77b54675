"""Training throughput of the lecture's GAN loop against the compiled trainer, and the DCGAN's FLOP/s.

    python benchmarks/gan_throughput.py            # full run (a few minutes on 2 cores)
    python benchmarks/gan_throughput.py --quick    # a short check that everything runs

For the dense GAN and the DCGAN, at each batch size, it measures images per second of
(a) the lecture's two-phase ``train_on_batch`` loop (``helpers.gan.two_phase_step``) and
(b) the compiled trainer (``helpers.gan.GAN``) fed by a ``tf.data`` pipeline, on the same
networks, alternating a and b in every repeat so that both see the same machine load.
It reports the ratio b/a (min / median / max over the repeats), tries the options that
can help on a CPU (``steps_per_execution``, ``jit_compile``), counts the DCGAN step's
floating-point operations from the layer shapes, and compares the achieved FLOP/s with
the processor's peak. Results go to ``benchmarks/results.json`` and, as the table the
book's appendix includes, ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import helpers  # noqa: E402,F401  (pins the backend, quiet TensorFlow)
from helpers import gan, runtime  # noqa: E402

CODINGS = {"dense": 30, "dcgan": 100}


def build(kind: str, seed: int = 0):
    keras.utils.set_random_seed(seed)
    if kind == "dense":
        return gan.dense_generator(
            CODINGS[kind]
        ), gan.dense_discriminator()
    return gan.dcgan_generator(CODINGS[kind], 64), gan.dcgan_discriminator(
        64
    )


def optimizer(kind: str) -> keras.optimizers.Optimizer:
    return (
        keras.optimizers.RMSprop()
        if kind == "dense"
        else keras.optimizers.Adam(2e-4, beta_1=0.5)
    )


class Lecture:
    """(a) The lecture's loop: discriminator and combined model compiled, train_on_batch per phase."""

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
            gan.two_phase_step(
                self.generator,
                self.discriminator,
                self.gan,
                self.images[j : j + self.batch],
                rng=self.rng,
            )
        return time.perf_counter() - start


class Compiled:
    """(b) helpers.gan.GAN with a tf.data pipeline; ``fit`` on a fixed number of steps."""

    def __init__(
        self, kind: str, images: np.ndarray, batch: int, **compile_kwargs
    ):
        generator, discriminator = build(kind)
        self.model = gan.GAN(generator, discriminator, seed=0)
        self.model.compile(
            d_optimizer=optimizer(kind),
            g_optimizer=optimizer(kind),
            **compile_kwargs,
        )
        self.dataset = gan.image_dataset(
            images, batch_size=batch, seed=0
        ).repeat()

    def run(self, steps: int) -> float:
        start = time.perf_counter()
        self.model.fit(
            self.dataset,
            steps_per_epoch=steps,
            epochs=1,
            verbose=0,
            shuffle=False,
        )
        return time.perf_counter() - start


def dcgan_step_flops(
    batch: int, width: int = 64, codings: int = 100
) -> dict[str, float]:
    """Floating-point operations of one DCGAN training step, from the layer shapes.

    Multiply-adds (MACs) per image, forward: Dense in*out; Conv2D H_out*W_out*k*k*C_in*C_out;
    Conv2DTranspose H_in*W_in*k*k*C_in*C_out; one MAC = 2 FLOPs. A backward pass costs
    about twice its forward pass (gradients for inputs and weights). One step runs
    G forward (fakes for phase 1); D forward + backward on a real and a fake batch; then G
    and D forward + backward (phase 2): 4 G_f + 9 D_f per image. Batch normalisation,
    activations and optimizer updates are left out (under 2 % here).
    """
    g = (
        codings * 7 * 7 * 2 * width
        + 7 * 7 * 4 * 4 * 2 * width * width
        + 14 * 14 * 4 * 4 * width * 1
    )
    d = (
        14 * 14 * 4 * 4 * 1 * width
        + 7 * 7 * 4 * 4 * width * 2 * width
        + 7 * 7 * 2 * width
    )
    return {
        "g_forward": 2.0 * g,
        "d_forward": 2.0 * d,
        "step": batch * (4 * 2.0 * g + 9 * 2.0 * d),
    }


def dense_step_flops(batch: int, codings: int = 30) -> dict[str, float]:
    """FLOPs of one dense-GAN training step, counted as in :func:`dcgan_step_flops`.

    Generator codings -> 100 -> 150 -> 784, discriminator 784 -> 150 -> 100 -> 1: one MAC
    per weight and image, forward.
    """
    g = codings * 100 + 100 * 150 + 150 * 784
    d = 784 * 150 + 150 * 100 + 100 * 1
    return {
        "g_forward": 2.0 * g,
        "d_forward": 2.0 * d,
        "step": batch * (4 * 2.0 * g + 9 * 2.0 * d),
    }


def peak_flops() -> tuple[float, str]:
    """Peak FP32 FLOP/s of this CPU from its cores, nominal clock and vector units; and how it was derived.

    FLOPs per cycle and core: two FMA units of the widest vector width the core executes at
    full rate, 2 FLOPs per lane and FMA. AVX-512 runs at full width on Intel server cores
    and AMD Zen 5 (family 26); Zen 4 (family 25) splits it into two 256-bit halves. The
    nominal clock from /proc/cpuinfo is used: boost clocks can exceed it, and a virtual
    machine's "cores" may be hyper-threads, so treat the share of peak as an estimate.
    """
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
    full_512 = "avx512f" in flags and (
        vendor != "AuthenticAMD" or family >= 26
    )
    if full_512:
        per_cycle, why = (
            64,
            "AVX-512 at full width: 2 FMA units x 16 lanes x 2 FLOPs",
        )
    elif "fma" in flags:
        per_cycle, why = 32, "2 FMA units x 8 lanes (256-bit) x 2 FLOPs"
    else:
        per_cycle, why = 16, "no FMA: 2 units x 8 lanes x 1 FLOP"
    cpu = f"{vendor} family {family}"
    return (
        cores * mhz * 1e6 * per_cycle,
        f"{cores} cores x {mhz / 1000:.2f} GHz (nominal) x {per_cycle} FLOP/cycle ({cpu}; {why})",
    )


def measure(
    kind: str,
    batch: int,
    images: np.ndarray,
    repeats: int,
    seconds: float,
    variants: dict[str, dict],
) -> dict:
    lecture = Lecture(kind, images, batch)
    compiled = {
        name: Compiled(kind, images, batch, **kw)
        for name, kw in variants.items()
    }
    # Warm up (tracing, first allocations), then size the runs to about `seconds` each.
    lecture.run(3)
    per_step_a = lecture.run(5) / 5
    steps_a = max(5, int(seconds / per_step_a))
    steps_b = {}
    for name, trainer in compiled.items():
        trainer.run(max(3, trainer.model.steps_per_execution))
        per_step = trainer.run(20) / 20
        steps_b[name] = max(20, int(seconds / per_step))
    rates = {"lecture loop": []} | {name: [] for name in compiled}
    for _ in range(
        repeats
    ):  # alternate a and b so that both see the same load
        rates["lecture loop"].append(
            steps_a * batch / lecture.run(steps_a)
        )
        for name, trainer in compiled.items():
            rates[name].append(
                steps_b[name] * batch / trainer.run(steps_b[name])
            )
    result = {
        "model": kind,
        "batch": batch,
        "images_per_s": {
            k: statistics.median(v) for k, v in rates.items()
        },
        "ratios": {},
    }
    for name in compiled:
        ratio = [b / a for a, b in zip(rates["lecture loop"], rates[name])]
        result["ratios"][name] = {
            "min": min(ratio),
            "median": statistics.median(ratio),
            "max": max(ratio),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny run: checks that it works, numbers meaningless",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="target length of each timed run",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    parser.add_argument(
        "--models",
        default="dense,dcgan",
        help="comma-separated: dense, dcgan",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="TensorFlow intra- and inter-op threads (0: TensorFlow's default, one per core)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite results.md (and the FLOP/s table) from results.json without measuring",
    )
    args = parser.parse_args(argv)
    if args.report_only:  # recompute the FLOP/s tables from the last measurements, measure nothing
        report = json.loads((args.out / "results.json").read_text())
        report["peak_gflops"], report["peak_derivation"] = (
            lambda p: (p[0] / 1e9, p[1])
        )(peak_flops())
        report["flops"] = achieved_flops(
            report["results"], report["peak_gflops"] * 1e9
        )
        report.pop("dcgan_flops", None)
        write(report, args.out)
        return 0
    if args.quick:
        args.repeats, args.seconds = 2, 0.3
    if args.threads:  # must happen before TensorFlow runs its first op
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    runtime.seed_everything(0, deterministic=False)
    images = (
        np.random.default_rng(0).random((4096, 28, 28)).astype("float32")
    )
    plan = [
        (
            "dense",
            32,
            {
                "compiled": {},
                "compiled, 16 steps per call": {"steps_per_execution": 16},
                "compiled, XLA": {"jit_compile": True},
            },
        ),
        (
            "dense",
            128,
            {
                "compiled": {},
                "compiled, 16 steps per call": {"steps_per_execution": 16},
            },
        ),
    ]
    plan += [
        (
            "dcgan",
            b,
            {"compiled": {}, "compiled, XLA": {"jit_compile": True}},
        )
        for b in (32, 64, 128)
    ]
    if args.quick:
        plan = [
            (k, b, {"compiled": {}})
            for k, b in (("dense", 32), ("dcgan", 32))
        ]
    plan = [p for p in plan if p[0] in args.models.split(",")]
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
                f"{kind:<6} batch {batch:>3}  {name:<28} {r['images_per_s'][name]:8.0f} img/s  "
                f"b/a {q['min']:.2f} / {q['median']:.2f} / {q['max']:.2f}  "
                f"(lecture loop {r['images_per_s']['lecture loop']:.0f} img/s)",
                flush=True,
            )
    peak, how = peak_flops()
    flops = achieved_flops(results, peak)
    machine = runtime.describe_machine()
    report = {
        "machine": machine,
        "peak_gflops": peak / 1e9,
        "peak_derivation": how,
        "repeats": args.repeats,
        "seconds": args.seconds,
        "threads": args.threads or "default",
        "quick": args.quick,
        "results": results,
        "flops": flops,
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    write(
        report,
        args.out,
        ("-quick" if args.quick else "")
        + (f"-threads{args.threads}" if args.threads else ""),
    )
    return 0


def achieved_flops(results: list[dict], peak: float) -> list[dict]:
    """For each model and batch size: FLOPs per step, and the fastest trainer's FLOP/s against the peak."""
    flops = []
    for r in results:
        step = (
            dcgan_step_flops if r["model"] == "dcgan" else dense_step_flops
        )(r["batch"])["step"]
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
    return flops


def write(report: dict, out: Path, suffix: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"results{suffix}.json").write_text(
        json.dumps(report, indent=1) + "\n"
    )
    (out / f"results{suffix}.md").write_text(markdown(report))
    print(markdown(report))


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured on {m['processor']}, {m['cpu_cores']} cores, accelerators: "
        f"{', '.join(m['accelerators'])}; TensorFlow {m['tensorflow']}, Keras {m['keras']}; "
        f"{report['repeats']} repeats of about {report.get('seconds', 3)} s each, TensorFlow threads: "
        f"{report.get('threads', 'default')}; {report['finished']}.",
        "",
        "| model | batch | trainer (b) | b, images/s | lecture loop (a), images/s | b/a min | b/a median | b/a max |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        for name, q in r["ratios"].items():
            lines.append(
                f"| {r['model']} | {r['batch']} | {name} | {r['images_per_s'][name]:.0f} | "
                f"{r['images_per_s']['lecture loop']:.0f} | {q['min']:.2f} | {q['median']:.2f} | {q['max']:.2f} |"
            )
    lines += [
        "",
        f"Peak FP32 throughput: {report['peak_gflops']:.0f} GFLOP/s = {report['peak_derivation']}.",
        "",
        "| model | batch | fastest trainer | GFLOP per step | achieved GFLOP/s | share of peak |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for f in report["flops"]:
        lines.append(
            f"| {f['model']} | {f['batch']} | {f['variant']} | {f['gflop_per_step']:.3f} | "
            f"{f['achieved_gflops']:.1f} | {f['share_of_peak']:.1%} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
