"""localize_images / localize_dataset, tools/analysis_tools/localize_regions.py
and a tiny phase I -> region file -> phase II chain on phantoms."""
import glob
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from baa_mm.apis import (init_estimator, localize_dataset, localize_images,
                         region_of)
from baa_mm.datasets import (read_region_entries, read_region_file,
                             write_region_file)
from baa_mm.registry import DATASETS, MODELS
from conftest import PYTHON, REPO, load_tool, run_tool

CAM_R1 = osp.join(REPO, 'configs/attention_roi/'
                  'cam-r1_r18_1xb32-12e_phantom-hr-160px.py')
AGR_MODEL = osp.join(REPO, 'configs/_base_/models/agr_regressor_r18.py')
SIZE = 32  # network input; the phantoms are 64 px: hr_factor 2

# lists are replaced, not merged: every pipeline is given whole
TINY_CFG = f"""
_base_ = [{CAM_R1!r}]
img_size = {SIZE}
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
# stride 8 (stage 2): a 4x4 map at 32 px; the last stage's 1x1 map would
# make every box the whole image; a high threshold keeps the random-init
# boxes small
model = dict(rel_thr=0.9, backbone=dict(out_indices=(1, )),
             head=dict(in_channels=128))
"""


@pytest.fixture(scope='module')
def tiny_cfg(tmp_path_factory):
    path = tmp_path_factory.mktemp('cfg') / 'cam_tiny.py'
    path.write_text(TINY_CFG)
    return str(path)


@pytest.fixture(scope='module')
def model(tiny_cfg):
    torch.manual_seed(0)
    return init_estimator(tiny_cfg)


def _dataset(model, root, split='test', pipeline='test', **kw):
    cfg = model.cfg[f'{split}_dataloader'].dataset.copy()
    cfg.update(data_root=root, test_mode=True,
               pipeline=model.cfg[f'{pipeline}_dataloader'].dataset.pipeline,
               **kw)
    return DATASETS.build(cfg)


def _inside(box, w=64, h=64):
    x1, y1, x2, y2 = box
    return 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h


def test_tiny_config_is_what_the_tests_think(model):
    assert model.region == 'R1' and model.head.pool == 'max'
    assert model.rel_thr == 0.9 and model.head.fc.in_features == 128
    assert [t['type'] for t in model.cfg.test_dataloader.dataset.pipeline] \
        == ['LoadRadiograph', 'StoreFullResImage', 'Resize',
            'PackBoneAgeInputs']
    assert model.cfg.test_dataloader.dataset.pipeline[2]['scale'] == (SIZE,
                                                                      SIZE)


def test_localize_dataset_one_box_per_image_and_resume(model, phantom_root,
                                                       tmp_path):
    ds = _dataset(model, phantom_root)
    out = str(tmp_path / 'regions.json')
    seen = []
    counts = localize_dataset(model, ds, out, batch_size=3, progress=False,
                              on_box=lambda info, r: seen.append(
                                  (info['img_id'], r)))
    assert counts == dict(localised=8, skipped=0, failed=0)
    images, failed = read_region_entries(out)
    assert failed == []
    ids = [ds.get_data_info(i)['img_id'] for i in range(8)]
    assert sorted(images) == sorted(ids)
    for stem, entry in images.items():
        assert entry['file_name'] == f'{stem}.png'
        assert (entry['width'], entry['height']) == (64, 64)
        assert list(entry['regions']) == ['R1']
        box, score = entry['regions']['R1']
        assert _inside(box), box
        # input pixels (32 px, integers) x 2
        assert all(v % 2 == 0 for v in box)
        assert 0 < score <= 1
    # boxes differ from image to image, most are not the whole image
    boxes = [tuple(e['regions']['R1'][0]) for e in images.values()]
    assert len(set(boxes)) > 1
    assert sum(b != (0, 0, 64, 64) for b in boxes) >= 4
    # on_box saw each new box once, in original-image pixels
    assert sorted(i for i, _ in seen) == sorted(ids)
    for img_id, region in seen:
        assert region['name'] == 'R1'
        assert region['box'] == images[img_id]['regions']['R1'][0]
    # the same boxes as predicting each image directly
    paths = [osp.join(phantom_root, 'test', f'{i}.png') for i in ids[:2]]
    direct = localize_images(model, paths)
    for i, d in zip(ids[:2], direct):
        assert d['box'] == images[i]['regions']['R1'][0]
        assert d['score'] == pytest.approx(images[i]['regions']['R1'][1],
                                           rel=1e-5)
    # resume: everything is skipped, the file is unchanged
    again = localize_dataset(model, ds, out, progress=False)
    assert again == dict(localised=0, skipped=8, failed=0)
    assert read_region_entries(out) == (images, [])
    # without resume everything is done again
    assert localize_dataset(model, ds, out, resume=False, progress=False) \
        == dict(localised=8, skipped=0, failed=0)


def test_a_second_region_is_added_to_the_same_file(model, tiny_cfg,
                                                   phantom_root, tmp_path):
    ds = _dataset(model, phantom_root)
    out = str(tmp_path / 'regions.json')
    localize_dataset(model, ds, out, progress=False)
    r1 = read_region_file(out)
    hand = init_estimator(tiny_cfg, cfg_options=dict(
        model=dict(region='H', head=dict(pool='avg'))))
    assert localize_dataset(hand, ds, out, progress=False) == dict(
        localised=8, skipped=0, failed=0)
    both = read_region_file(out)
    assert all(set(b) == {'H', 'R1'} for b in both.values())
    assert {k: v['R1'] for k, v in both.items()} == {
        k: v['R1'] for k, v in r1.items()}


def test_interrupted_run_resumes_from_the_last_save(model, phantom_root,
                                                    tmp_path):
    ds = _dataset(model, phantom_root)
    out = str(tmp_path / 'regions.json')
    done = []

    def stop_at_the_fifth(info, region):
        if len(done) == 4:
            raise KeyboardInterrupt
        done.append(info['img_id'])

    # batches of 2 saved after each batch: the third batch is lost
    with pytest.raises(KeyboardInterrupt):
        localize_dataset(model, ds, out, batch_size=2, save_every=1,
                         progress=False, on_box=stop_at_the_fifth)
    assert sorted(read_region_file(out)) == sorted(done)
    assert localize_dataset(model, ds, out, progress=False) == dict(
        localised=4, skipped=4, failed=0)
    assert len(read_region_file(out)) == 8


def _corrupt_copy(phantom_root, dst, bad_index=2):
    """The test split with one PNG that passes the header check (signature
    and IEND) but cannot be decoded. Returns the bad image's id."""
    shutil.copytree(osp.join(phantom_root, 'test'), osp.join(dst, 'test'))
    shutil.copy(osp.join(phantom_root, 'test.csv'), dst)
    bad = sorted(glob.glob(osp.join(dst, 'test', '*.png')))[bad_index]
    with open(bad, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + b'garbage' * 20 +
                b'\x00\x00\x00\x00IEND\xaeB`\x82')
    return osp.splitext(osp.basename(bad))[0], bad


def test_an_unreadable_image_is_listed_as_failed(model, phantom_root,
                                                 tmp_path):
    root = str(tmp_path / 'data')
    bad_id, bad_path = _corrupt_copy(phantom_root, root)
    ds = _dataset(model, root)
    assert len(ds) == 8  # the header check lets it through
    out = str(tmp_path / 'regions.json')
    counts = localize_dataset(model, ds, out, batch_size=3, progress=False)
    assert counts == dict(localised=7, skipped=0, failed=1)
    images, failed = read_region_entries(out)
    assert len(images) == 7 and bad_id not in images
    assert len(failed) == 1
    assert failed[0]['file_name'] == bad_path
    assert failed[0]['region'] == 'R1'
    assert failed[0]['reason'].split(':')[0].endswith('Error')
    # resume retries it (and lists it once, not twice)
    assert localize_dataset(model, ds, out, progress=False) == dict(
        localised=0, skipped=7, failed=1)
    assert len(read_region_entries(out)[1]) == 1


def test_a_failing_forward_pass_is_listed_and_the_rest_written(
        model, phantom_root, tmp_path, monkeypatch):
    ds = _dataset(model, phantom_root)
    bad = ds.get_data_info(5)['img_path']
    real = model.test_step

    def test_step(data):  # fails on any batch holding image 5
        if any(s.img_path == bad for s in data['data_samples']):
            raise RuntimeError('forward pass failed')
        return real(data)

    monkeypatch.setattr(model, 'test_step', test_step)
    out = str(tmp_path / 'regions.json')
    counts = localize_dataset(model, ds, out, batch_size=4, progress=False)
    assert counts == dict(localised=7, skipped=0, failed=1)
    images, failed = read_region_entries(out)
    assert len(images) == 7
    assert failed == [dict(file_name=bad, region='R1',
                           reason='RuntimeError: forward pass failed')]


def test_localize_images_on_an_array(model, phantom_root):
    path = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[0]
    arr = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    from_array, from_file = localize_images(model, [arr, path])
    assert from_array['name'] == 'R1' and _inside(from_array['box'])
    assert from_array['box'] == from_file['box']
    assert from_array['score'] == pytest.approx(from_file['score'], rel=1e-4)
    # a larger array: the box is in that array's pixels
    big = cv2.resize(arr, (128, 96), interpolation=cv2.INTER_LINEAR)
    (res, ) = localize_images(model, [big])
    assert _inside(res['box'], 128, 96)
    assert all(v % 4 == 0 for v in res['box'][0::2])  # x: 32 px -> 128 px
    assert all(v % 3 == 0 for v in res['box'][1::2])  # y: 32 px -> 96 px


def test_region_of_prefers_full_resolution_boxes():
    from mmengine.structures import InstanceData
    from baa_mm.structures import BoneAgeDataSample
    s = BoneAgeDataSample()
    s.pred_parts = InstanceData(bboxes=torch.tensor([[1., 2., 3., 4.]]),
                                hr_bboxes=torch.tensor([[2., 4., 6., 8.]]),
                                scores=torch.tensor([0.5]), names=['H'])
    assert region_of(s) == dict(name='H', box=[2., 4., 6., 8.], score=0.5)
    s.pred_parts = InstanceData(bboxes=torch.tensor([[1., 2., 3., 4.]]),
                                scores=torch.tensor([0.25]), names=['R2'])
    assert region_of(s) == dict(name='R2', box=[1., 2., 3., 4.], score=0.25)


# --------------------------------------------------------------------- tool
@pytest.fixture(scope='module')
def checkpoint(model, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('ckpt') / 'cam.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


def test_tool_writes_the_file_and_crops(model, tiny_cfg, checkpoint,
                                        phantom_root, tmp_path):
    out = str(tmp_path / 'test_regions.json')
    crops = str(tmp_path / 'crops')
    proc = run_tool([PYTHON, 'tools/analysis_tools/localize_regions.py',
                     tiny_cfg, checkpoint, '--split', 'test', '--out', out,
                     '--data-root', phantom_root, '--crops-dir', crops])
    assert f'R1 boxes of test: 8 new, 0 already in {out}, 0 failed' in \
        proc.stdout
    regions = read_region_file(out)
    assert len(regions) == 8
    assert any(b['R1'] != [0., 0., 64., 64.] for b in regions.values())
    # the same boxes as the model in this process (same weights)
    expected = str(tmp_path / 'expected.json')
    localize_dataset(model, _dataset(model, phantom_root), expected,
                     progress=False)
    assert regions == read_region_file(expected)
    for stem, boxes in regions.items():
        x1, y1, x2, y2 = (int(round(v)) for v in boxes['R1'])
        crop = cv2.imread(osp.join(crops, 'R1', f'{stem}.png'),
                          cv2.IMREAD_UNCHANGED)
        assert crop is not None and crop.dtype == np.uint8
        assert crop.shape == (y2 - y1, x2 - x1)
        full = cv2.imread(osp.join(phantom_root, 'test', f'{stem}.png'),
                          cv2.IMREAD_UNCHANGED)
        # 8-bit PNGs are decoded as value / 255: the crop is exact
        assert full.dtype == np.uint8
        np.testing.assert_array_equal(crop, full[y1:y2, x1:x2])


def test_tool_in_process_reports_failures_and_resumes(tiny_cfg, checkpoint,
                                                      phantom_root, tmp_path,
                                                      capsys):
    tool = load_tool('tools/analysis_tools/localize_regions.py')
    root = str(tmp_path / 'data')
    bad_id, _ = _corrupt_copy(phantom_root, root, bad_index=0)
    out = str(tmp_path / 'r.json')
    counts = tool.main([tiny_cfg, checkpoint, '--split', 'test', '--out',
                        out, '--data-root', root, '--batch-size', '4'])
    assert counts == dict(localised=7, skipped=0, failed=1)
    assert 'R1 boxes of test: 7 new, 0 already in' in capsys.readouterr().out
    assert bad_id not in read_region_file(out)
    counts = tool.main([tiny_cfg, checkpoint, '--split', 'test', '--out',
                        out, '--data-root', root])
    assert counts == dict(localised=0, skipped=7, failed=1)
    counts = tool.main([tiny_cfg, checkpoint, '--split', 'test', '--out',
                        out, '--data-root', root, '--no-resume'])
    assert counts == dict(localised=7, skipped=0, failed=1)


# ---------------------------------------------------- phase I -> phase II
def _train_step(model, batch, lr=0.01):
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr))
    model.train()
    return model.train_step(pseudo_collate(batch), wrapper)


def test_phase_one_to_phase_two_on_phantoms(tiny_cfg, phantom_root,
                                            tmp_path):
    torch.manual_seed(0)
    # phase I: two localisers (R1 with GMP, H with GAP), one step each
    r1 = init_estimator(tiny_cfg)
    h = init_estimator(tiny_cfg, cfg_options=dict(
        model=dict(region='H', head=dict(pool='avg'))))
    for loc in (r1, h):
        train = _dataset(loc, phantom_root, 'train', 'train')
        losses = _train_step(loc, [train[0], train[1]])
        assert set(losses) == {'loss', 'loss_cls'}
        assert torch.isfinite(losses['loss_cls'])
        loc.eval()
    # localise the training split into one region file
    region_file = str(tmp_path / 'annotations' / 'train_regions.json')
    train = _dataset(r1, phantom_root, 'train')
    for loc in (r1, h):
        assert localize_dataset(loc, train, region_file, progress=False
                                )['localised'] == 16
    # phase II: H, R1 and the R1-erased image stacked as 3 channels
    pipeline = [dict(type='LoadRadiograph'),
                dict(type='StackRegions', regions=('H', 'R1', 'E'),
                     size=SIZE),
                dict(type='PackBoneAgeInputs')]
    ds = DATASETS.build(dict(
        type='RSNABoneAgeDataset', data_root=phantom_root,
        ann_file='train.csv', data_prefix=dict(img_path='train'),
        region_file=region_file, pipeline=pipeline))
    info = ds.get_data_info(0)
    assert set(info['regions']) == {'H', 'R1'}
    item = ds[0]
    assert item['inputs'].shape == (3, SIZE, SIZE)
    # channel 1 is the R1 box of the region file, cropped and resized
    img = cv2.imread(info['img_path'], cv2.IMREAD_UNCHANGED) / 255.
    x1, y1, x2, y2 = (int(v) for v in info['regions']['R1'])
    crop = cv2.resize(img[y1:y2, x1:x2].astype(np.float32), (SIZE, SIZE),
                      interpolation=cv2.INTER_AREA)
    np.testing.assert_allclose(item['inputs'][1].numpy(), crop, atol=1e-6)
    assert item['data_samples'].metainfo['img_shape'] == (SIZE, SIZE)
    cfg = Config.fromfile(AGR_MODEL).model
    cfg.backbone.in_channels = 3
    cfg.neck.out_channels = 16
    cfg.head.in_channels = 16
    regressor = MODELS.build(cfg)
    regressor.init_weights()
    before = regressor.backbone.conv1.weight.detach().clone()
    losses = _train_step(regressor, [item, ds[1]])
    assert set(losses) == {'loss', 'loss_age'}
    assert all(torch.isfinite(v) for v in losses.values())
    assert not torch.equal(before, regressor.backbone.conv1.weight)
    regressor.eval()
    with torch.no_grad():
        out = regressor.test_step(pseudo_collate([item]))
    assert torch.isfinite(out[0].pred_age)


# --------------------------------------------- bugs found by these tests
def test_no_resume_keeps_the_other_regions(model, tiny_cfg, phantom_root,
                                           tmp_path):
    ds = _dataset(model, phantom_root)
    out = str(tmp_path / 'regions.json')
    hand = init_estimator(tiny_cfg, cfg_options=dict(
        model=dict(region='H', head=dict(pool='avg'))))
    localize_dataset(hand, ds, out, progress=False)
    localize_dataset(model, ds, out, resume=False, progress=False)
    assert all(set(b) == {'H', 'R1'} for b in read_region_file(out).values())


R2_CFG = """
_base_ = [{base!r}]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='EraseRegion', region='R1', noise_seed=0),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=({size}, {size}), keep_ratio=False),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=test_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(rel_thr=0.9, backbone=dict(out_indices=(1, )),
             head=dict(in_channels=128))
"""


def test_an_interrupted_r2_run_resumes(tiny_cfg, checkpoint, phantom_root,
                                       tmp_path):
    tool = load_tool('tools/analysis_tools/localize_regions.py')
    root = str(tmp_path / 'data')
    shutil.copytree(osp.join(phantom_root, 'test'), osp.join(root, 'test'))
    shutil.copy(osp.join(phantom_root, 'test.csv'), root)
    r2_cfg = tmp_path / 'cam_r2_tiny.py'
    r2_cfg.write_text(R2_CFG.format(base=osp.join(
        REPO, 'configs/attention_roi/cam-r2_r18_1xb32-12e_phantom-hr-160px.py'
    ), size=SIZE))
    out = osp.join(root, 'annotations', 'test_regions.json')
    args = ['--split', 'test', '--out', out, '--data-root', root]
    tool.main([tiny_cfg, checkpoint] + args)  # R1 of every image
    tool.main([str(r2_cfg), checkpoint] + args)  # R2 of every image
    # as if the R2 run had been killed after its first save
    images, failed = read_region_entries(out)
    for stem in sorted(images)[:4]:
        del images[stem]['regions']['R2']
    write_region_file(out, images, failed)
    assert tool.main([str(r2_cfg), checkpoint] + args) == dict(
        localised=4, skipped=4, failed=0)


# ------------------------------------------- chain of localisers, pictures
def _r2_model(tmp_path, checkpoint):
    r2_cfg = tmp_path / 'cam_r2_tiny.py'
    r2_cfg.write_text(R2_CFG.format(base=osp.join(
        REPO, 'configs/attention_roi/cam-r2_r18_1xb32-12e_phantom-hr-160px.py'
    ), size=SIZE))
    return str(r2_cfg), init_estimator(str(r2_cfg), checkpoint)


def test_localize_chain_feeds_r1_to_the_r2_localiser(model, checkpoint,
                                                     phantom_root, tmp_path):
    from baa_mm.apis import inference_bone_age, localize_chain
    _, r2 = _r2_model(tmp_path, checkpoint)
    paths = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:3]
    chain = localize_chain([model, r2], paths)
    assert [sorted(c) for c in chain] == [['R1', 'R2']] * 3
    r1 = localize_images(model, paths)
    for c, first, path in zip(chain, r1, paths):
        assert c['R1'] == first['box']
        # R2 is the box of the R1-erased image: what its pipeline saw
        (alone, ) = localize_images(r2, [path], regions=[{'R1': c['R1']}])
        assert c['R2'] == alone['box']
        assert _inside(c['R2'])
    # the R2 localiser cannot run without the R1 box its pipeline erases
    with pytest.raises(Exception, match='R1'):
        inference_bone_age(r2, paths[0])


def test_vis_attention_regions_tool(tiny_cfg, checkpoint, phantom_root,
                                    tmp_path):
    tool = load_tool('tools/analysis_tools/vis_attention_regions.py')
    r2_cfg, _ = _r2_model(tmp_path, checkpoint)
    paths = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:2]
    out_dir = str(tmp_path / 'vis')
    written = tool.main(['--localizer', tiny_cfg, checkpoint,
                         '--localizer', r2_cfg, checkpoint,
                         '--images', *paths, '--out-dir', out_dir])
    assert [osp.basename(w) for w in written] == [osp.basename(p)
                                                  for p in paths]
    for w in written:
        pic = cv2.imread(w)
        # boxes | R1 map | erased image | R2 map, each 64 px wide
        assert pic is not None and pic.shape[0] == 64
        assert pic.shape[1] == 4 * 64
