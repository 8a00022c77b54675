"""helpers.diffusion: schedules, the forward process, DDPM/DDIM steps, training and sampling."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from helpers import training
from helpers.diffusion import (
    SCHEDULES,
    Diffusion,
    DiffusionSampler,
    TimestepEmbedding,
    ddim_step,
    ddpm_step,
    make_schedule,
    predicted_noise,
    predicted_x0,
    q_sample,
    sample,
    unet,
)
from helpers.training import resumable_fit

T = 50  # a short process keeps sampling fast
CLASSES = 3


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def images(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28)).astype("float32")


def labels(n=32):
    return np.arange(n) % CLASSES


def tiny_network(num_classes=None):
    """``[x_t, t(, label)] -> noise``: two convolutions and the step."""
    L = keras.layers
    x = keras.Input((28, 28), name="x_t")
    t = keras.Input((), dtype="int32", name="t")
    inputs = [x, t]
    emb = TimestepEmbedding(8)(t)
    if num_classes is not None:
        y = keras.Input((), dtype="int32", name="label")
        inputs.append(y)
        emb = emb + L.Embedding(num_classes + 1, 8)(y)
    h = L.Conv2D(4, 3, padding="same")(L.Reshape((28, 28, 1))(x))
    h = h + L.Reshape((1, 1, 4))(L.Dense(4)(emb))
    out = L.Conv2D(1, 3, padding="same")(L.Activation("swish")(h))
    return keras.Model(inputs, L.Reshape((28, 28))(out))


def tiny_diffusion(seed=0, num_classes=None, **kwargs):
    keras.utils.set_random_seed(seed)
    model = Diffusion(
        tiny_network(num_classes),
        steps=T,
        num_classes=num_classes,
        seed=seed,
        **kwargs,
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model


def state(model):
    """Weights, seed states and the optimizer's variables."""
    assert len(model.optimizer.variables) > 2  # iterations, rate, moments
    return [
        *model.weights,
        *training.seed_states(model),
        *model.optimizer.variables,
    ]


def assert_same_state(a, b):
    va, vb = state(a), state(b)
    assert len(va) == len(vb)
    for x, y in zip(va, vb):
        np.testing.assert_array_equal(x.numpy(), y.numpy(), err_msg=x.path)


def loud(caught):
    """Recorded warnings, less TensorFlow's NumPy 2 deprecation notes."""
    return [
        str(w.message)
        for w in caught
        if not issubclass(w.category, DeprecationWarning)
    ]


# --- the schedule and the forward process ----------------------------------


@pytest.mark.parametrize("name", SCHEDULES)
@pytest.mark.parametrize("steps", [2, 10, 20, 50, 1000])
def test_schedules_are_valid_for_any_number_of_steps(name, steps):
    s = make_schedule(name, steps)
    assert s.steps == steps and s.name == name
    assert np.all(s.betas > 0) and np.all(s.betas < 1)
    assert np.all(np.diff(s.alpha_bars) < 0)  # noise only grows
    assert np.all(s.alpha_bars > 0) and np.all(s.alpha_bars <= 1)
    np.testing.assert_allclose(s.alpha_bars, np.cumprod(1 - s.betas))


def test_the_schedules_run_from_almost_clean_to_almost_pure_noise():
    linear = make_schedule("linear", 1000)
    assert linear.betas[0] == pytest.approx(1e-4)
    assert linear.betas[-1] == pytest.approx(0.02)
    assert np.all(np.diff(linear.betas) > 0)
    cosine = make_schedule("cosine", 1000)
    t = np.arange(1001) / 1000
    f = np.cos((t + 0.008) / 1.008 * np.pi / 2) ** 2
    np.testing.assert_allclose(  # the last beta is clipped
        cosine.alpha_bars[:-1], (f / f[0])[1:-1], rtol=1e-9
    )
    for s in (linear, cosine):
        assert s.alpha_bars[0] > 0.999 and s.alpha_bars[-1] < 1e-3
    # the cosine schedule destroys less early on (Nichol & Dhariwal)
    assert cosine.alpha_bars[250] > linear.alpha_bars[250]


def test_q_sample_is_the_closed_form_and_almost_x_at_t0():
    s = make_schedule("linear", 1000)
    rng = np.random.default_rng(0)
    x0 = images(6)
    noise = rng.standard_normal(x0.shape).astype("float32")
    t = np.array([0, 1, 10, 100, 500, 999])
    got = numpy(q_sample(x0, t, noise, s.alpha_bars))
    abar = s.alpha_bars[t][:, None, None]
    np.testing.assert_allclose(
        got,
        np.sqrt(abar) * x0 + np.sqrt(1 - abar) * noise,
        atol=1e-5,  # float32
    )
    assert np.abs(got[0] - x0[0]).max() < 0.05  # t = 0: sd 0.01
    one_t = numpy(q_sample(x0, np.array([0]), noise, s.alpha_bars))
    np.testing.assert_allclose(one_t[0], got[0], rtol=1e-6)
    assert np.abs(one_t - x0).max() < 0.05


@pytest.mark.parametrize("name", SCHEDULES)
def test_q_sample_has_the_schedules_mean_and_variance(name):
    s = make_schedule(name, 1000)
    rng = np.random.default_rng(1)
    n = 20_000
    x0 = np.full((n, 2, 2), 0.5, dtype="float32")
    noise = rng.standard_normal(x0.shape).astype("float32")
    t = np.where(np.arange(n) < n // 2, 100, 700)  # two noise levels
    xt = numpy(q_sample(x0, t, noise, s.alpha_bars))
    for step, rows in ((100, xt[: n // 2]), (700, xt[n // 2 :])):
        abar = s.alpha_bars[step]
        sd_of_mean = np.sqrt((1 - abar) / rows.size)
        assert abs(rows.mean() - np.sqrt(abar) * 0.5) < 4 * sd_of_mean
        # the sample variance of 40,000 values is within 3% of its own
        np.testing.assert_allclose(rows.var(), 1 - abar, rtol=0.03)


def test_timestep_embedding_is_sin_and_cos_of_the_step():
    layer = TimestepEmbedding(6)
    out = numpy(layer(np.array([0, 1, 30])))
    assert out.shape == (3, 6)
    np.testing.assert_allclose(out[0], [0, 0, 0, 1, 1, 1], atol=1e-7)
    freqs = np.exp(-np.log(10_000.0) * np.arange(3) / 3)
    np.testing.assert_allclose(
        out[2], np.r_[np.sin(30 * freqs), np.cos(30 * freqs)], rtol=1e-5
    )
    assert layer.compute_output_shape((5,)) == (5, 6)


# --- the reverse steps -----------------------------------------------------


def test_ddim_step_with_the_true_noise_recovers_x0_exactly():
    s = make_schedule("cosine", 1000)
    x0 = images(4, 3)
    eps = np.random.default_rng(4).standard_normal(x0.shape)
    xt = numpy(q_sample(x0, np.array([600]), eps, s.alpha_bars))
    x = ddim_step(xt, eps, 600, -1, s)
    np.testing.assert_allclose(x, x0, atol=1e-4)
    np.testing.assert_array_equal(x, ddim_step(xt, eps, 600, -1, s))
    # on to another step: x_200 of the same x0 and noise
    x200 = ddim_step(xt, eps, 600, 200, s)
    want = numpy(q_sample(x0, np.array([200]), eps, s.alpha_bars))
    np.testing.assert_allclose(x200, want, atol=1e-4)
    chain = xt
    for t, t_prev in ((600, 400), (400, 50), (50, -1)):
        chain = ddim_step(chain, eps, t, t_prev, s)
    np.testing.assert_allclose(chain, x0, atol=1e-4)


def test_ddim_step_clips_the_predicted_x0_to_the_data_range():
    s = make_schedule("linear", 100)
    x0 = np.full((1, 28, 28), 1.5)
    eps = np.zeros_like(x0)
    xt = np.sqrt(s.alpha_bars[10]) * x0
    np.testing.assert_allclose(ddim_step(xt, eps, 10, -1, s), 1.0)


def test_ddim_step_recomputes_the_noise_from_the_clipped_x0():
    s = make_schedule("cosine", 1000)
    rng = np.random.default_rng(3)
    x0 = rng.uniform(-2, 2, (3, 28, 28))  # partly outside the range
    eps = rng.standard_normal(x0.shape)
    xt = numpy(q_sample(x0, np.array([700]), eps, s.alpha_bars))
    clipped = np.clip(x0, -1, 1)
    abar = s.alpha_bars[700]
    # the noise that, with the clipped x_0, still adds up to x_t
    noise = (xt - np.sqrt(abar) * clipped) / np.sqrt(1 - abar)
    want = numpy(q_sample(clipped, np.array([300]), noise, s.alpha_bars))
    np.testing.assert_allclose(
        ddim_step(xt, eps, 700, 300, s), want, atol=1e-5
    )


def test_ddpm_step_at_t0_gives_x0_and_draws_from_the_posterior_before():
    s = make_schedule("linear", 1000)
    x0 = images(4, 5)
    eps = np.random.default_rng(6).standard_normal(x0.shape)
    x1 = numpy(q_sample(x0, np.array([0]), eps, s.alpha_bars))
    out_a = ddpm_step(x1, eps, 0, s, np.random.default_rng(0))
    out_b = ddpm_step(x1, eps, 0, s, np.random.default_rng(1))
    np.testing.assert_allclose(out_a, x0, atol=1e-4)
    np.testing.assert_array_equal(out_a, out_b)  # no noise at the end
    # with x_0 in range, the posterior mean is Ho et al.'s noise form
    t = 300
    x0 = np.repeat(images(1, 7), 50, axis=0)
    e = np.random.default_rng(8).standard_normal(x0.shape)
    xt = numpy(q_sample(x0, np.array([t]), e, s.alpha_bars))
    beta, abar = s.betas[t], s.alpha_bars[t]
    mean = (xt - beta / np.sqrt(1 - abar) * e) / np.sqrt(1 - beta)
    var = beta * (1 - s.alpha_bars[t - 1]) / (1 - abar)
    out = ddpm_step(xt, e, t, s, np.random.default_rng(9))
    np.testing.assert_allclose((out - mean).std(), np.sqrt(var), rtol=0.02)
    assert abs((out - mean).mean()) < 4 * np.sqrt(var / out.size)
    np.testing.assert_array_equal(
        out, ddpm_step(xt, e, t, s, np.random.default_rng(9))
    )


def test_predicted_x0_is_clipped_and_ddpm_step_uses_the_clipped_one():
    s = make_schedule("linear", 100)
    x0 = np.full((2, 28, 28), 3.0)  # far outside the data's range
    eps = np.zeros_like(x0)
    xt = np.sqrt(s.alpha_bars[10]) * x0
    np.testing.assert_allclose(predicted_x0(xt, eps, 10, s), 1.0)
    clipped = np.sqrt(s.alpha_bars[10]) * np.ones_like(x0)
    for x in (xt, clipped):  # the same x_0 estimate, 1, for both ...
        assert predicted_x0(x, eps, 10, s).max() == 1.0
    a = ddpm_step(xt, eps, 10, s, np.random.default_rng(0))
    b = ddpm_step(clipped, eps, 10, s, np.random.default_rng(0))
    beta, abar = s.betas[10], s.alpha_bars[10]
    # ... so the steps differ only through the x_t term of the mean
    gap = np.sqrt(1 - beta) * (1 - s.alpha_bars[9]) / (1 - abar)
    np.testing.assert_allclose(a - b, gap * (xt - clipped), atol=1e-9)


def test_predicted_noise_mixes_the_conditional_and_free_predictions():
    calls = []

    def predict(inputs):
        calls.append([np.asarray(v) for v in inputs])
        base = np.ones((len(inputs[0]), 28, 28))
        if len(inputs) == 2:
            return base * 7.0
        return base * inputs[2][:, None, None]  # the label as the noise

    x = np.zeros((3, 28, 28), "float32")
    out = predicted_noise(predict, x, 12, None, 0.0, None)
    np.testing.assert_array_equal(out, 7.0)
    assert len(calls[-1]) == 2 and calls[-1][1].dtype == np.int32
    np.testing.assert_array_equal(calls[-1][1], [12, 12, 12])
    y = np.array([0, 1, 2])
    calls.clear()
    out = predicted_noise(predict, x, 5, y, 0.0, 3)
    assert len(calls) == 1  # no guidance, no unconditional pass
    np.testing.assert_array_equal(out[:, 0, 0], [0, 1, 2])
    calls.clear()
    out = predicted_noise(predict, x, 5, y, 2.0, 3)
    np.testing.assert_array_equal(calls[1][2], [3, 3, 3])  # "no label"
    np.testing.assert_allclose(out[:, 0, 0], 3.0 * y - 2.0 * 3)


# --- training --------------------------------------------------------------


def test_trains_one_epoch_and_resumes_exactly_without_warnings(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    first = tiny_diffusion()
    log = resumable_fit(
        first, images(), epochs=1, batch_size=16, checkpoint_dir=tmp_path
    )
    assert set(log.history) == {"loss", "epoch_seconds"}
    assert np.isfinite(log.last("loss")) and log.last("loss") > 0
    second = tiny_diffusion(seed=5)  # other weights and seeds: restored
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = resumable_fit(
            second,
            images(),
            epochs=1,
            batch_size=16,
            checkpoint_dir=tmp_path,
        )
    assert loud(caught) == []
    assert again.resumed_from == 1
    assert int(second.optimizer.iterations.numpy()) == 2
    assert_same_state(first, second)


def test_resumed_conditional_run_equals_the_uninterrupted_one(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")

    def fit(model, folder, epochs):
        return resumable_fit(
            model,
            (images(), labels()),
            epochs=epochs,
            batch_size=16,
            checkpoint_dir=tmp_path / folder,
        )

    full = tiny_diffusion(num_classes=CLASSES, ema=0.9)
    full_log = fit(full, "full", 2)
    fit(tiny_diffusion(num_classes=CLASSES, ema=0.9), "cut", 1)
    resumed = tiny_diffusion(seed=5, num_classes=CLASSES, ema=0.9)
    log = fit(resumed, "cut", 2)
    assert log.resumed_from == 1 and log.epochs == 2
    assert_same_state(resumed, full)
    np.testing.assert_allclose(
        log.history["loss"], full_log.history["loss"], rtol=1e-6
    )


def test_ema_copy_starts_equal_then_follows_the_moving_average():
    model = tiny_diffusion(ema=0.5)
    assert model.sampling_network is model.ema_network
    assert not model.ema_network.trainable_weights
    before = [w.numpy() for w in model.ema_network.weights]
    for a, b in zip(before, model.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.fit(images(), batch_size=32, epochs=1, verbose=0)  # one step
    decay = min(0.5, 2 / 11)  # the ramp (1 + n) / (10 + n) at n = 1
    for avg, old, w in zip(
        model.ema_network.get_weights(),
        before,
        model.network.get_weights(),
    ):
        np.testing.assert_allclose(
            avg, old + (1 - decay) * (w - old), atol=1e-6
        )
    assert any(
        not np.allclose(a, b)
        for a, b in zip(
            model.ema_network.get_weights(), model.network.get_weights()
        )
    )
    plain = tiny_diffusion()  # no ema: the network samples
    assert plain.sampling_network is plain.network


def test_p_uncond_replaces_labels_by_the_no_label_class():
    def trained(p_uncond, y):
        model = tiny_diffusion(num_classes=CLASSES, p_uncond=p_uncond)
        model.fit(images(), y, batch_size=16, epochs=1, verbose=0)
        return model.network.get_weights()

    always = trained(1.0, labels())
    null = trained(0.0, np.full(32, CLASSES))
    kept = trained(0.0, labels())
    for a, b in zip(always, null):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(always, kept))


def test_fit_takes_images_and_labels_as_one_tuple():
    model = tiny_diffusion(num_classes=CLASSES)
    history = model.fit(
        (images(), labels()), batch_size=16, epochs=1, verbose=0
    ).history
    assert np.isfinite(history["loss"][0])


# --- sampling --------------------------------------------------------------


def test_sample_is_reproducible_by_seed_for_ddpm_and_ddim():
    model = tiny_diffusion()
    keep = (T - 1, 20, 0)
    a, kept = sample(model, 3, seed=1, keep=keep)
    b, _ = sample(model, 3, seed=1)
    c, _ = sample(model, 3, seed=2)
    assert a.shape == (3, 28, 28) and a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert sorted(kept) == sorted(keep)
    assert all(v.shape == (3, 28, 28) for v in kept.values())
    # x_(T-1) is the starting noise, N(0, 1)
    assert abs(kept[T - 1].std() - 1) < 0.05
    d, _ = sample(model, 3, seed=1, steps=5)
    e, _ = sample(model, 3, seed=1, steps=5)
    np.testing.assert_array_equal(d, e)
    assert not np.allclose(a, d)  # DDIM is another sampler


def test_guidance_changes_conditional_samples():
    model = tiny_diffusion(num_classes=CLASSES)
    y = [0, 1, 2, 0]
    plain, _ = sample(model, 4, seed=3, steps=4, labels=y)
    again, _ = sample(model, 4, seed=3, steps=4, labels=y)
    guided, _ = sample(model, 4, seed=3, steps=4, labels=y, guidance=2.0)
    other, _ = sample(model, 4, seed=3, steps=4, labels=[1, 2, 0, 1])
    np.testing.assert_array_equal(plain, again)
    assert not np.allclose(plain, guided)
    assert not np.allclose(plain, other)


def test_sampler_draws_images_in_the_unit_range_and_saves_whole(tmp_path):
    net = tiny_network(CLASSES)
    sampler = DiffusionSampler(
        net, "cosine", T, CLASSES, ddim_steps=4, guidance=1.5
    )
    x = sampler.sample(5, seed=2)
    assert x.shape == (5, 28, 28) and x.min() >= 0 and x.max() <= 1
    np.testing.assert_array_equal(x, sampler.sample(5, seed=2))
    sampler.save(tmp_path / "sampler.keras")
    loaded = keras.models.load_model(
        tmp_path / "sampler.keras", compile=False
    )
    assert isinstance(loaded, DiffusionSampler)
    assert (loaded.ddim_steps, loaded.guidance) == (4, 1.5)
    assert loaded.model.schedule.name == "cosine"
    assert loaded.model.schedule.steps == T
    np.testing.assert_allclose(loaded.sample(5, seed=2), x, atol=1e-5)


def test_diffusion_with_the_book_unet_saves_and_loads_whole(tmp_path):
    keras.utils.set_random_seed(0)
    model = Diffusion(
        unet(8, num_classes=CLASSES, emb_dim=8),
        "cosine",
        T,
        num_classes=CLASSES,
        p_uncond=0.2,
        seed=1,
    )
    model.save(tmp_path / "diffusion.keras")
    loaded = keras.models.load_model(
        tmp_path / "diffusion.keras", compile=False
    )
    assert isinstance(loaded, Diffusion)
    assert loaded.schedule.name == "cosine" and loaded.schedule.steps == T
    assert loaded.num_classes == CLASSES and loaded.p_uncond == 0.2
    assert loaded.seed == 1
    np.testing.assert_array_equal(
        numpy(loaded.alpha_bars), numpy(model.alpha_bars)
    )
    inputs = [images(2), np.array([0, 40]), np.array([1, CLASSES])]
    out = numpy(model(inputs))
    assert out.shape == (2, 28, 28)
    np.testing.assert_allclose(numpy(loaded(inputs)), out, rtol=1e-5)
