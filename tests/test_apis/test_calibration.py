"""InferenceCalibration: Mahalanobis OOD scores, split-conformal intervals."""
import math

import numpy as np
import pytest
import torch

from baa_mm.apis.calibration import (GaussianScore, InferenceCalibration,
                                     conformal_quantile, fit_gaussian,
                                     input_thumbnail, mahalanobis)


def test_conformal_quantile_is_the_finite_sample_quantile():
    res = np.arange(1., 11.)  # 1..10
    # ceil(11 * 0.5) = 6th smallest
    assert conformal_quantile(res, 0.5) == 6.
    assert conformal_quantile(-res, 0.5) == 6.  # absolute errors
    assert conformal_quantile(res, 0.9) == 10.  # ceil(9.9) = 10
    assert math.isinf(conformal_quantile(res, 0.95))  # ceil(10.45) = 11
    with pytest.raises(ValueError, match='coverage'):
        conformal_quantile(res, 1.)
    with pytest.raises(ValueError, match='non-empty'):
        conformal_quantile(np.array([]), 0.5)


def test_conformal_interval_covers_new_draws():
    rng = np.random.default_rng(0)
    q = conformal_quantile(rng.normal(0, 10, 2000), 0.9)
    new = rng.normal(0, 10, 20000)
    assert abs((np.abs(new) <= q).mean() - 0.9) < 0.01


def test_mahalanobis_matches_the_definition_and_flags_outliers():
    rng = np.random.default_rng(0)
    feats = rng.normal(0, [1., 5., 0.2], (4000, 3))
    mean, precision = fit_gaussian(feats)
    x = np.array([[0., 5., 0.], [0., 0., 1.]])
    ref = [np.sqrt((v - mean) @ precision @ (v - mean)) for v in x]
    np.testing.assert_allclose(mahalanobis(x, mean, precision), ref)
    # scaled axes: 5 units along the wide axis ~ 1, 1 along the narrow ~ 5
    d = mahalanobis(x, mean, precision)
    assert 0.8 < d[0] < 1.2 and 4. < d[1] < 6.
    with pytest.raises(ValueError, match='N >= 2'):
        fit_gaussian(feats[:1])


def test_refusal_names_the_score_and_save_load_round_trip(tmp_path):
    calib = InferenceCalibration(
        scores=dict(features=GaussianScore(np.zeros(3), np.eye(3), 2.),
                    input=GaussianScore(np.zeros(2), np.eye(2), 4.)),
        ood_rate=0.01, coverage=0.9, halfwidth=15., label_range=(1., 228.),
        info=dict(num_fit=10))
    feats = np.array([[1., 0., 0.], [3., 4., 0.], [0., 0., 0.]])
    inputs = np.array([[0., 0.], [0., 0.], [0., 5.]])
    dists, reasons = calib.refusal(dict(features=feats, input=inputs))
    np.testing.assert_allclose(dists['features'], [1., 5., 0.])
    assert reasons[0] is None
    assert reasons[1] == 'out of distribution: features distance 5.0 ' \
        'above 2.0'
    assert reasons[2].startswith('out of distribution: input distance 5.0')
    # a model without features: only the input score applies
    _, reasons = calib.refusal(dict(features=None, input=inputs))
    assert reasons == [None, None, reasons[2]] and reasons[2]
    path = str(tmp_path / 'c.npz')
    calib.save(path)
    back = InferenceCalibration.load(path)
    assert back.label_range == (1., 228.) and back.info == dict(num_fit=10)
    assert back.scores['input'].threshold == 4.
    np.testing.assert_array_equal(back.scores['features'].precision,
                                  np.eye(3))
    assert back.interval(10.) == (0., 25.)  # the lower bound stays >= 0
    with pytest.raises(ValueError, match='3-d descriptors'):
        back.scores['features'](np.zeros((1, 4)))
    bad = tmp_path / 'bad.npz'
    bad.write_bytes(b'not a zip')
    with pytest.raises(ValueError, match='bad.npz: not a bone-age'):
        InferenceCalibration.load(str(bad))


def test_input_thumbnail_averages_areas():
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    thumb = input_thumbnail(x, size=2)
    np.testing.assert_allclose(thumb.numpy(), [[2.5, 4.5, 10.5, 12.5]])
