"""Late fusion of prediction CSVs and the shared ensemble mean."""
import numpy as np
import pytest
import torch

from baa_mm.evaluation import (DumpBoneAgePredictions, PREDICTION_FIELDS,
                               ensemble_weights, fuse_predictions, mean_age,
                               read_prediction_csv, write_prediction_csv)

HEADER = ','.join(PREDICTION_FIELDS)


def _csv(tmp_path, name, lines, header=HEADER):
    path = tmp_path / name
    path.write_text('\n'.join([header, *lines]) + '\n')
    return str(path)


@pytest.fixture
def members(tmp_path):
    a = _csv(tmp_path, 'vgg.csv', ['p1,x/p1.png,1,30.0000,32.0000,2.0000',
                                   'p2,x/p2.png,0,50.0000,44.0000,6.0000',
                                   'p3,x/p3.png,,70.0000,70.0000,0.0000'])
    # other order, other img_path, abs_error left empty
    b = _csv(tmp_path, 'res.csv', ['p3,y/p3.png,,70.0000,76.0000,',
                                   'p1,y/p1.png,1,30.0000,28.0000,',
                                   'p2,y/p2.png,0,50.0000,50.0000,'])
    return a, b


def test_dump_predictions_uses_the_shared_fields():
    assert DumpBoneAgePredictions.FIELDS == PREDICTION_FIELDS


def test_read_prediction_csv(members):
    rows = read_prediction_csv(members[0])
    assert list(rows) == ['p1', 'p2', 'p3']
    assert rows['p1'] == dict(img_id='p1', img_path='x/p1.png', sex=1,
                              gt_age=30., pred_age=32.)
    assert rows['p3']['sex'] is None


def test_join_on_img_id_and_member_columns(members):
    rows = fuse_predictions(list(members))
    assert [r['img_id'] for r in rows] == ['p1', 'p2', 'p3']  # 1st order
    assert rows[0] == dict(img_id='p1', img_path='x/p1.png', sex=1,
                           gt_age=30., pred_age=30., abs_error=0.,
                           pred_vgg=32., pred_res=28.)
    assert [r['pred_age'] for r in rows] == [30., 47., 73.]
    assert rows[2]['abs_error'] == 3.


def test_weights_and_names(members, tmp_path):
    tables = [read_prediction_csv(p) for p in members]
    rows = fuse_predictions(tables, weights=[3, 1], names=['a', 'b'])
    assert [r['pred_age'] for r in rows] == pytest.approx(
        [0.75 * 32 + 0.25 * 28, 0.75 * 44 + 0.25 * 50, 0.75 * 70 + 0.25 * 76])
    assert set(rows[0]) >= {'pred_a', 'pred_b'}
    with pytest.raises(ValueError, match='3 weights for 2'):
        fuse_predictions(tables, weights=[1, 1, 1])
    with pytest.raises(ValueError, match='not all zero'):
        fuse_predictions(tables, weights=[0, 0])
    with pytest.raises(ValueError, match='unique'):
        fuse_predictions(tables, names=['a', 'a'])
    with pytest.raises(ValueError, match="other than 'age'"):
        fuse_predictions(tables, names=['age', 'b'])
    out = str(tmp_path / 'o' / 'fused.csv')
    header = write_prediction_csv(out, rows)
    assert header == [*PREDICTION_FIELDS, 'pred_a', 'pred_b']
    lines = open(out).read().splitlines()
    assert lines[1] == 'p1,x/p1.png,1,30.0000,31.0000,1.0000,32.0000,28.0000'
    assert lines[3].startswith('p3,x/p3.png,,70.0000,71.5000,1.5000,')
    # a fused file reads back as a member (extra columns ignored)
    assert read_prediction_csv(out)['p1']['pred_age'] == 31.


def test_missing_id_is_an_error_naming_id_and_file(members, tmp_path):
    c = _csv(tmp_path, 'inc.csv', ['p1,,1,30,31,', 'p3,,,70,71,'])
    with pytest.raises(ValueError, match=r"'p2' of 'vgg' \(.*vgg.csv\) "
                       r"missing from 'inc' \(.*inc.csv\)"):
        fuse_predictions([members[0], c])
    d = _csv(tmp_path, 'extra.csv', ['p1,,1,30,31,', 'p2,,0,50,50,',
                                     'p3,,,70,71,', 'p9,,1,9,9,'])
    with pytest.raises(ValueError, match=r"'p9' of 'extra' .* missing from "
                       r"'vgg'"):
        fuse_predictions([members[0], d])


def test_gt_or_sex_mismatch_is_an_error(members, tmp_path):
    c = _csv(tmp_path, 'inc.csv', ['p1,,1,30,31,', 'p2,,0,51,50,',
                                   'p3,,,70,71,'])
    with pytest.raises(ValueError, match=r"image 'p2': gt_age 50.0 in 'vgg' "
                       r"\(.*\) but 51.0 in 'inc'"):
        fuse_predictions([members[0], c])
    s = _csv(tmp_path, 'sex.csv', ['p1,,0,30,31,', 'p2,,0,50,50,',
                                   'p3,,,70,71,'])
    with pytest.raises(ValueError, match=r"image 'p1': sex 1 in 'vgg'"):
        fuse_predictions([members[0], s])


@pytest.mark.parametrize('header,lines,match', [
    ('img_id,sex,gt_age', ['p1,1,3'], r'bad.csv: line 1: header .* lacks '
     r"\['pred_age'\]"),
    (HEADER, ['p1,,1,30,abc,'], r"bad.csv: line 2: pred_age must be a finite"
     r" number, got 'abc'"),
    (HEADER, ['p1,,1,30,31,', 'p2,,m,30,31,'], r'bad.csv: line 3: sex must '
     'be an integer'),
    (HEADER, ['p1,,1,nan,31,'], r'line 2: gt_age must be a finite'),
    (HEADER, ['p1,,1,30,31,', 'p1,,1,30,31,'], r"line 3: img_id 'p1' "
     'repeated'),
    (HEADER, [',,1,30,31,'], 'line 2: empty img_id'),
    (HEADER, ['p1,,1,30,,'], 'line 2: empty pred_age'),
    (HEADER, ['p1,,1,30,31,0,7'], 'line 2: more cells than header'),
    (HEADER, [], 'bad.csv: no prediction rows'),
])
def test_malformed_csv_errors(tmp_path, header, lines, match):
    path = _csv(tmp_path, 'bad.csv', lines, header)
    with pytest.raises(ValueError, match=match):
        read_prediction_csv(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.csv'):
        fuse_predictions([str(tmp_path / 'nope.csv')])


def test_mean_age_numpy_and_torch():
    ages = np.array([[10., 20.], [30., 40.]])
    np.testing.assert_allclose(mean_age(ages), [20., 30.])
    np.testing.assert_allclose(mean_age(ages, [1, 3]), [25., 35.])
    t = torch.tensor(ages, dtype=torch.float32)
    out = mean_age(t, [1, 3])
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    torch.testing.assert_close(out, torch.tensor([25., 35.]))
    torch.testing.assert_close(mean_age(t), t.mean(0))
    np.testing.assert_allclose(ensemble_weights([2, 2], 2), [.5, .5])
    with pytest.raises(ValueError, match=r'\(K, N\)'):
        mean_age(np.zeros(3))
    with pytest.raises(ValueError, match='finite'):
        ensemble_weights([1, -1], 2)
