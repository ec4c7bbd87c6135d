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
