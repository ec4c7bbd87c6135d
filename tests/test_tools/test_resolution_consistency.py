"""tools/analysis_tools/resolution_consistency.py on generated images."""
import csv
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest
import torch

from conftest import REPO, load_tool

tool = load_tool('tools/analysis_tools/resolution_consistency.py')
SMOKE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')
STAT = re.compile(r'interpolation=(\w+): n=(\d+) median=([\d.]+) '
                  r'mean=([\d.]+) max=([\d.]+) months')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """Random weights of the phantom smoke config (PyTorch's default init,
    the output layer scaled so that the predictions differ by months)."""
    from mmengine.config import Config

    from baa_mm.registry import MODELS
    from baa_mm.utils import register_all_modules
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(SMOKE).model)
    model.head.mlp[-1].weight.data *= 1000
    path = str(tmp_path_factory.mktemp('ckpt') / 'random.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def _radiograph(rng, h: int, w: int) -> np.ndarray:
    """A smooth blob with fine stripes (aliased by bilinear shrinking)."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    blob = np.exp(-((x - .5) ** 2 + (y - .5) ** 2) * rng.uniform(4, 12))
    stripes = 0.5 + 0.5 * np.sin(x * w * rng.uniform(1.5, 2.5))
    img = 180 * blob + 60 * stripes + rng.normal(0, 5, (h, w))
    return np.clip(img, 0, 255).astype(np.uint8)


@pytest.fixture(scope='module')
def image_dirs(tmp_path_factory):
    """Three large originals, their 100 px thumbnails split over two
    folders (as rsna100's train/ and val/), and a label table."""
    root = tmp_path_factory.mktemp('resolution')
    full, thumb_a, thumb_b = (str(root / n) for n in ('full', 'ta', 'tb'))
    for d in (full, thumb_a, thumb_b):
        os.makedirs(d)
    rng = np.random.default_rng(0)
    for k, (h, w) in enumerate(((900, 700), (640, 800), (1000, 1000))):
        img = _radiograph(rng, h, w)
        cv2.imwrite(osp.join(full, f'{10 + k}.png'), img)
        cv2.imwrite(osp.join(thumb_a if k < 2 else thumb_b, f'{10 + k}.png'),
                    cv2.resize(img, (100, 100),
                               interpolation=cv2.INTER_AREA))
    labels = str(root / 'labels.csv')
    with open(labels, 'w') as f:
        f.write('id,boneage,male\n10,100,True\n11,150,False\n12,60,True\n')
    return dict(full=full, thumbs=[thumb_a, thumb_b], labels=labels,
                root=str(root))


def test_printed_statistics_are_the_csv_rows(checkpoint, image_dirs,
                                             tmp_path, capsys):
    out = str(tmp_path / 'rows.csv')
    res = tool.main([SMOKE, checkpoint, '--full-dir', image_dirs['full'],
                     '--thumb-dir', *image_dirs['thumbs'],
                     '--labels', image_dirs['labels'],
                     '--interpolation', 'bilinear', 'area', '--out', out,
                     '--batch-size', '2'])
    printed = {m[0]: m[1:] for m in STAT.findall(capsys.readouterr().out)}
    assert sorted(printed) == ['area', 'bilinear'] == sorted(res)
    with open(out) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    by_mode = {}
    for r in rows:
        assert abs(float(r['pred_full']) - float(r['pred_thumb'])) == \
            pytest.approx(float(r['abs_diff']), abs=2e-4)
        by_mode.setdefault(r['interpolation'], []).append(r)
    for mode, (n, median, mean, maximum) in printed.items():
        mine = by_mode[mode]
        assert [r['id'] for r in mine] == ['10', '11', '12']
        assert [r['full_shape'] for r in mine] == \
            ['900x700', '640x800', '1000x1000']
        assert {r['thumb_shape'] for r in mine} == {'100x100'}
        assert [r['sex'] for r in mine] == ['1', '0', '1']
        d = np.array([float(r['abs_diff']) for r in mine])
        assert int(n) == len(d) == res[mode]['n']
        for printed_value, value in ((median, np.median(d)),
                                     (mean, d.mean()), (maximum, d.max())):
            assert float(printed_value) == pytest.approx(value, abs=6e-3)
        assert res[mode]['max'] == pytest.approx(d.max(), abs=1e-4)
    # the override reaches the pipeline: the modes predict differently
    full = {m: [float(r['pred_full']) for r in by_mode[m]] for m in by_mode}
    assert full['area'] != full['bilinear']
    # bilinear shrinking aliases the fine stripes, area averages them
    assert res['area']['median'] < res['bilinear']['median']
    # the configs resize with area: no override gives the 'area' figures
    res = tool.main([SMOKE, checkpoint, '--full-dir', image_dirs['full'],
                     '--thumb-dir', *image_dirs['thumbs'],
                     '--labels', image_dirs['labels']])
    assert res['config']['mean'] == pytest.approx(
        float(printed['area'][2]), abs=6e-3)


def test_id_without_thumbnail_is_an_error(checkpoint, image_dirs, tmp_path,
                                          capsys):
    full = str(tmp_path / 'full')
    os.makedirs(full)
    for name in os.listdir(image_dirs['full']):
        os.symlink(osp.join(image_dirs['full'], name), osp.join(full, name))
    cv2.imwrite(osp.join(full, '77.png'), np.zeros((300, 200), np.uint8))
    with pytest.raises(SystemExit, match=r'1 full-size image\(s\) have no '
                       r'thumbnail in .*/ta, .*/tb: ids 77'):
        tool.main([SMOKE, checkpoint, '--full-dir', full,
                   '--thumb-dir', *image_dirs['thumbs']])
    # on request the id is left out, and said so
    res = tool.main([SMOKE, checkpoint, '--full-dir', full, '--thumb-dir',
                     *image_dirs['thumbs'], '--labels', image_dirs['labels'],
                     '--skip-missing'])
    assert res['config']['n'] == 3
    assert 'skipped: 1 full-size image(s) have no thumbnail' in \
        capsys.readouterr().out
    with pytest.raises(SystemExit, match='image folder not found: .*nowhere'):
        tool.main([SMOKE, checkpoint, '--full-dir', full,
                   '--thumb-dir', str(tmp_path / 'nowhere')])
    thumb = str(tmp_path / 'thumb77')
    os.makedirs(thumb)
    cv2.imwrite(osp.join(thumb, '77.png'), np.zeros((100, 100), np.uint8))
    with pytest.raises(SystemExit, match=r'labels.csv has no row for id\(s\) '
                       '77'):
        tool.main([SMOKE, checkpoint, '--full-dir', full, '--thumb-dir',
                   *image_dirs['thumbs'], thumb, '--labels',
                   image_dirs['labels']])


def test_set_interpolation_reaches_nested_resizes():
    pipeline = [
        dict(type='LoadRadiograph'),
        dict(type='Resize', scale=(8, 8), interpolation='area'),
        dict(_scope_='mmdet', type='RandomResize', scale=(8, 8)),
        dict(type='RandomChoice', transforms=[
            [dict(type='mmdet.Resize', scale=(8, 8))]]),
        dict(type='StackRegions', regions=('O', )),
    ]
    assert tool.set_interpolation(pipeline, 'bilinear') == 4
    assert pipeline[1]['interpolation'] == 'bilinear'
    assert pipeline[2]['interpolation'] == 'bilinear'
    assert pipeline[3]['transforms'][0][0]['interpolation'] == 'bilinear'
    assert pipeline[4]['interpolation'] == 'bilinear'
    assert 'interpolation' not in pipeline[0]
    with pytest.raises(SystemExit, match='StackRegions interpolates with'):
        tool.set_interpolation(pipeline, 'bicubic')


def test_source_grid_gives_the_thumbnail_age(checkpoint, image_dirs,
                                            tmp_path, capsys):
    """Thumbnails made by centre point sampling (as rsna100's): with the
    config's SourceGrid step the original reaches the model as its
    thumbnail, so both get the same age; without the step they differ."""
    full = image_dirs['full']
    thumbs = str(tmp_path / 'thumbs')
    os.makedirs(thumbs)
    for name in os.listdir(full):
        img = cv2.imread(osp.join(full, name), cv2.IMREAD_UNCHANGED)
        cv2.imwrite(osp.join(thumbs, name),
                    cv2.resize(img, (100, 100),
                               interpolation=cv2.INTER_NEAREST_EXACT))
    config = str(tmp_path / 'grid.py')
    with open(config, 'w') as f:
        f.write(f"""_base_ = [{SMOKE!r}]
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadRadiograph'),
    dict(type='SourceGrid', size=(100, 100)),
    dict(type='Resize', scale=(64, 64), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs')]))
""")
    args = [config, checkpoint, '--full-dir', full, '--thumb-dir', thumbs,
            '--labels', image_dirs['labels']]
    res = tool.main(args)
    assert res['config']['n'] == 3
    assert res['config']['max'] < 1e-3
    res = tool.main(args + ['--drop-source-grid'])
    assert res['config']['max'] > 0.1
    with pytest.raises(SystemExit, match='no SourceGrid step'):
        tool.main([SMOKE, checkpoint, '--full-dir', full, '--thumb-dir',
                   thumbs, '--drop-source-grid'])
