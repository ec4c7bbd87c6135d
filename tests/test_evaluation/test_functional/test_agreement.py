"""Bland-Altman, per-group metrics and id matching of a prediction report."""
import math

import numpy as np
import pytest

from baa_mm.evaluation import (REPORT_DEFAULTS, UNIT_DEFAULTS, bland_altman,
                               group_metrics, match_ids)


def test_bland_altman_hand_checked():
    # differences 1, 2, 3: bias 2, sample SD 1
    ba = bland_altman([1., 2., 3.], [0., 0., 0.])
    assert ba['n'] == 3
    assert ba['bias'] == pytest.approx(2.)
    assert ba['sd'] == pytest.approx(1.)
    assert ba['loa_lower'] == pytest.approx(2. - 1.96)
    assert ba['loa_upper'] == pytest.approx(2. + 1.96)
    # differences -2, 2, 0, 4: bias 1, SD sqrt((9 + 1 + 1 + 9) / 3)
    ba = bland_altman(np.array([10., 20., 30., 40.]),
                      np.array([12., 18., 30., 36.]), z=2.)
    sd = math.sqrt(20 / 3)
    assert ba['bias'] == pytest.approx(1.)
    assert ba['sd'] == pytest.approx(sd)
    assert (ba['loa_lower'], ba['loa_upper']) == pytest.approx(
        (1 - 2 * sd, 1 + 2 * sd))


def test_bland_altman_one_pair_has_no_spread():
    ba = bland_altman([5.], [3.])
    assert ba == dict(n=1, bias=2., sd=0., loa_lower=2., loa_upper=2.)


@pytest.mark.parametrize('pred, gt', [([], []), ([1., 2.], [1.]),
                                      ([[1.]], [[1.]]),
                                      ([1., float('nan')], [1., 2.])])
def test_bland_altman_rejects_bad_input(pred, gt):
    with pytest.raises(ValueError, match='non-empty 1-D|finite'):
        bland_altman(pred, gt)


def test_group_metrics_hand_checked():
    pred = np.array([18., 20., 100., 170., 300.])
    gt = np.array([12., 30., 100., 150., 240.])  # errors 6 -10 0 20 60
    sex = np.array([1, 0, 1, 0, -1])
    cfg = REPORT_DEFAULTS['months']
    out = group_metrics(pred, gt, sex, cfg['thresholds'], cfg['age_bands'])
    overall = out['overall']
    assert overall['n'] == 5
    assert overall['MAE'] == pytest.approx(96 / 5)
    assert overall['bias'] == pytest.approx(76 / 5)
    assert overall['RMSE'] == pytest.approx(math.sqrt(4136 / 5))
    assert (overall['within_6'], overall['within_12'],
            overall['within_24']) == pytest.approx((40., 60., 80.))
    assert list(out['by_sex']) == ['female', 'male', 'unknown']
    assert out['by_sex']['female']['n'] == 2
    assert out['by_sex']['female']['MAE'] == pytest.approx(15.)
    assert out['by_sex']['female']['bias'] == pytest.approx(5.)
    assert out['by_sex']['male']['MAE'] == pytest.approx(3.)
    assert out['by_sex']['unknown']['MAE'] == pytest.approx(60.)
    bands = out['by_age_band']
    assert list(bands) == ['0-24', '24-72', '72-120', '120-168', '168-228']
    assert [bands[k]['n'] for k in bands] == [1, 1, 1, 1, 0]
    assert [bands[k]['MAE'] for k in list(bands)[:4]] == [6., 10., 0., 20.]
    assert bands['168-228']['MAE'] is None  # empty band kept, no number
    assert out['outside_bands'] == 1  # 240 months


def test_group_metrics_without_sex_or_bands_and_years():
    out = group_metrics([1., 3.], [2., 2.], thresholds=(0.5, ))
    assert out['by_sex'] == {} and out['by_age_band'] == {}
    assert out['overall'] == {'n': 2, 'MAE': 1., 'RMSE': 1., 'bias': 0.,
                              'within_0.5': 0.}
    # no 'unknown' group when every sex is known; female listed when empty
    out = group_metrics([1., 3.], [2., 2.], [1, 1])
    assert list(out['by_sex']) == ['female', 'male']
    assert out['by_sex']['female']['n'] == 0
    years = REPORT_DEFAULTS['years']
    assert years['thresholds'] == tuple(UNIT_DEFAULTS['years']['thresholds'])
    out = group_metrics([20., 70.], [10., 65.], None, years['thresholds'],
                        years['age_bands'])
    assert list(out['by_age_band']) == ['0-18', '18-40', '40-60', '60+']
    assert out['by_age_band']['60+']['MAE'] == pytest.approx(5.)
    with pytest.raises(ValueError, match='sex must have shape'):
        group_metrics([1., 2.], [1., 2.], [1])


def test_match_ids_keeps_order_and_reports_both_sides():
    matched, missing, extra = match_ids(['a', 'b', 'c', 'd'],
                                        ['z', 'c', 'a', 'y'])
    assert matched == ['a', 'c']
    assert missing == ['b', 'd']
    assert extra == ['z', 'y']
