import numpy as np
import pytest

from baa_mm.evaluation import BoneAgeMetric, DumpBoneAgePredictions
from baa_mm.structures import BoneAgeDataSample


def _samples(preds, gts, sexes):
    out = []
    for i, (p, g, s) in enumerate(zip(preds, gts, sexes)):
        d = BoneAgeDataSample(metainfo=dict(img_id=str(i)))
        d.set_pred_age(p).set_gt_age(g).set_sex(s)
        out.append(d.to_dict())
    return out


def test_metric_hand_computed():
    # errors: +2, -10, +13, -4 ; males: idx 0, 2 ; females: 1, 3
    preds = [102., 90., 163., 46.]
    gts = [100., 100., 150., 50.]
    metric = BoneAgeMetric()
    metric.process(None, _samples(preds, gts, [1, 0, 1, 0]))
    res = metric.evaluate(4)
    assert res['bone_age/MAE'] == pytest.approx((2 + 10 + 13 + 4) / 4)
    assert res['bone_age/MAE_male'] == pytest.approx((2 + 13) / 2)
    assert res['bone_age/MAE_female'] == pytest.approx((10 + 4) / 2)
    assert res['bone_age/RMSE'] == pytest.approx(
        np.sqrt((4 + 100 + 169 + 16) / 4))
    assert res['bone_age/bias'] == pytest.approx((2 - 10 + 13 - 4) / 4)
    assert res['bone_age/within_6'] == pytest.approx(50.)
    assert res['bone_age/within_12'] == pytest.approx(75.)


def test_metric_without_sex_and_labels():
    metric = BoneAgeMetric(thresholds=(1, ))
    d = BoneAgeDataSample().set_pred_age(10.).set_gt_age(10.5)
    metric.process(None, [d.to_dict()])
    res = metric.evaluate(1)
    assert 'bone_age/MAE_male' not in res
    assert res['bone_age/within_1'] == 100.
    unlabelled = BoneAgeDataSample(metainfo=dict(img_id='x')).set_pred_age(1.)
    with pytest.raises(ValueError, match="image 'x' has no gt_age"):
        BoneAgeMetric().process(None, [unlabelled.to_dict()])


def test_dump_predictions(tmp_path):
    out = tmp_path / 'sub' / 'preds.csv'
    dump = DumpBoneAgePredictions(str(out))
    dump.process(None, _samples([102., 90.], [100., 100.], [1, 0]))
    assert dump.evaluate(2) == {}
    lines = out.read_text().splitlines()
    assert lines[0] == 'img_id,img_path,sex,gt_age,pred_age,abs_error'
    assert lines[1] == '0,,1,100.0000,102.0000,2.0000'
    assert lines[2] == '1,,0,100.0000,90.0000,10.0000'
    with pytest.raises(ValueError, match='must be a .csv file'):
        DumpBoneAgePredictions('x.pkl')


def test_metric_in_years_has_adult_age_bands(mm_log):
    # true ages 10 | 17.9 | 18 (left-closed: 18-40) | 45 | 60 | 87
    gts = [10., 17.9, 18., 45., 60., 87.]
    preds = [12., 17.9, 25., 44., 48., 80.]  # errors 2, 0, 7, 1, 12, 7
    metric = BoneAgeMetric()
    metric.dataset_meta = dict(age_unit='years')
    metric.process(None, _samples(preds, gts, [1, 0, 1, 0, 1, 0]))
    res = metric.evaluate(6)
    assert res['bone_age/MAE_0-18'] == pytest.approx(1.)
    assert res['bone_age/MAE_18-40'] == pytest.approx(7.)
    assert res['bone_age/MAE_40-60'] == pytest.approx(1.)
    assert res['bone_age/MAE_60+'] == pytest.approx(9.5)
    assert res['bone_age/MAE'] == pytest.approx(29 / 6)
    assert res['bone_age/MAE_male'] == pytest.approx(21 / 3)
    assert res['bone_age/within_5'] == pytest.approx(50.)
    assert res['bone_age/within_10'] == pytest.approx(500 / 6)
    assert 'bone_age/within_6' not in res
    assert not any(k.startswith('bone_age/count') for k in res)
    line = [r.getMessage() for r in mm_log if 'bone age on' in
            r.getMessage()][-1]
    assert 'bone age on 6 images (years)' in line
    assert 'images per age band: 0-18: 2, 18-40: 1, 40-60: 1, 60+: 2' in line


def test_metric_months_keeps_old_keys_and_bands_are_configurable(mm_log):
    metric = BoneAgeMetric()
    metric.dataset_meta = dict(age_unit='months')
    metric.process(None, _samples([102., 90.], [100., 100.], [1, 0]))
    assert set(metric.evaluate(2)) == {
        f'bone_age/{k}' for k in ('MAE', 'RMSE', 'bias', 'within_6',
                                  'within_12', 'MAE_male', 'MAE_female')}
    assert any('(months)' in r.getMessage() for r in mm_log)
    # explicit bands / thresholds; an empty band is left out
    metric = BoneAgeMetric(thresholds=(1, ), age_bands=(0, 120, 240))
    metric.process(None, _samples([102., 90.], [100., 100.], [1, 0]))
    res = metric.evaluate(2)
    assert res['bone_age/MAE_0-120'] == pytest.approx(6.)
    assert 'bone_age/MAE_120-240' not in res
    # years without bands
    metric = BoneAgeMetric(age_bands=())
    metric.dataset_meta = dict(age_unit='years')
    metric.process(None, _samples([20.], [30.], [1]))
    assert not any('-' in k or '+' in k for k in metric.evaluate(1))
    with pytest.raises(ValueError, match='strictly increasing'):
        BoneAgeMetric(age_bands=(18, 0))
    metric = BoneAgeMetric()
    metric.dataset_meta = dict(age_unit='days')
    metric.process(None, _samples([20.], [30.], [1]))
    with pytest.raises(ValueError, match="unknown age_unit 'days'"):
        metric.evaluate(1)


def test_bone_age_metrics_age_bands_pure():
    from baa_mm.evaluation import age_band_masks, bone_age_metrics
    res = bone_age_metrics(np.array([1., 30.]), np.array([0., 20.]),
                           thresholds=(), age_bands=(0, 18, float('inf')))
    assert res == dict(MAE=5.5, RMSE=pytest.approx(np.sqrt(50.5)), bias=5.5,
                       **{'MAE_0-18': 1., 'MAE_18+': 10.})
    masks = age_band_masks(np.array([-1., 0., 18.]), (0, 18))
    assert list(masks) == ['0-18']
    np.testing.assert_array_equal(masks['0-18'], [False, True, False])
