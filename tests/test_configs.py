"""Every config under configs/ loads and builds (detectron2's test_setup)."""
import glob
import os
import os.path as osp
import shutil

import cv2
import pytest
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.runner import Runner

from baa_mm.datasets import write_region_file
from baa_mm.evaluation.metrics import dataset_file
from baa_mm.registry import DATASETS
from baa_mm.utils import register_all_modules
from conftest import REPO, SHARED_DATA, write_hand_coco, write_rsna_folder
from rsna_download import write_release

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p)


def _loaders(cfg) -> list:
    """The dataloader keys a config sets (a fixed-schedule config trained
    on every training row has no ``val_dataloader``)."""
    return [k for k in ('train_dataloader', 'val_dataloader',
                        'test_dataloader') if cfg.get(k) is not None]


def _has_ann_files(cfg, root):
    """The label/annotation files the config's datasets name exist under
    ``root`` (pseudo hand masks are generated, not shipped)."""
    for key in _loaders(cfg):
        dataset = cfg[key].dataset
        for name in ('ann_file', 'hand_ann_file', 'region_file'):
            if dataset.get(name) and not osp.isfile(
                    osp.join(root, dataset[name])):
                return False
    return True


@pytest.fixture(scope='module')
def tiny_rsna_root(tmp_path_factory):
    """A tiny folder in the RSNA layout every RSNA config reads: train.csv
    + train/ (training CSV layout), val.csv + val/ (validation layout) and
    COCO hand masks for both splits under the names the configs use
    (``annotations/{train,val}_hand_masks.json`` of the full-size configs,
    ``annotations/{train,val}_pseudo_hand_masks.json`` written by
    ``tools/dataset_converters/pseudo_hand_masks.py`` for rsna100)."""
    root = str(tmp_path_factory.mktemp('rsna_tiny'))
    # 12 rows: the configs' 10 % hash-carved selection split holds one
    write_rsna_folder(root, n=12, size=64, layout='train', split='train')
    write_rsna_folder(root, n=3, size=64, layout='val', split='val', seed=1)
    for split in ('train', 'val'):
        for name in ('hand_masks', 'pseudo_hand_masks'):
            write_hand_coco(
                osp.join(root, split),
                osp.join(root, 'annotations', f'{split}_{name}.json'))
    # region files by the configs' split: val is the holdout of train.csv,
    # test is val.csv
    _write_regions(root, dict(train='train', val='train', test='val'))
    return root


@pytest.fixture(scope='module')
def tiny_release_root(tmp_path_factory):
    """A tiny RSNA download in the challenge release's layout (what the
    full-size configs read, data/README.md), with the pseudo hand masks
    and region files the configs name."""
    root = str(tmp_path_factory.mktemp('rsna_release'))
    write_release(root, train_ids=[str(i) for i in range(1377, 1397)])
    write_hand_coco(
        osp.join(root, 'boneage-training-dataset'),
        osp.join(root, 'annotations', 'train_pseudo_hand_masks.json'))
    # what pseudo_hand_masks.py --segmenter writes for the background-
    # removal configs (same format)
    for split, folder in (('train', 'boneage-training-dataset'),
                          ('test', 'boneage-test-dataset')):
        write_hand_coco(osp.join(root, folder), osp.join(
            root, 'annotations', f'{split}_pred_hand_masks.json'))
    _write_regions(root, dict(train='boneage-training-dataset',
                              val='boneage-training-dataset',
                              test='boneage-test-dataset'))
    return root


def _write_regions(root: str, splits) -> None:
    """``annotations/<split>_regions.json`` with H, R1 and R2 boxes of
    every image (the files tools/analysis_tools/localize_regions.py writes
    for the attention-guided configs), from the image folder of each split
    (``{split: folder}``, or split names that are their folders)."""
    if not isinstance(splits, dict):
        splits = {split: split for split in splits}
    for split, folder in splits.items():
        out = osp.join(root, 'annotations', f'{split}_regions.json')
        if osp.isfile(out):
            continue
        images = {}
        for name in sorted(os.listdir(osp.join(root, folder))):
            h, w = cv2.imread(osp.join(root, folder, name),
                              cv2.IMREAD_UNCHANGED).shape[:2]
            images[osp.splitext(name)[0]] = dict(
                file_name=name, width=w, height=h, regions=dict(
                    H=([2, 2, w - 2, h - 2], 1.), R1=([0, h // 2, w // 2, h],
                                                       1.),
                    R2=([w // 2, 0, w, h // 2], 1.)))
        write_region_file(out, images)


@pytest.fixture(scope='module')
def phantom_regions(phantom_root):
    _write_regions(phantom_root, ('train', 'val', 'test'))
    # the background-removal configs read the hand masks a segmenter
    # predicted (pseudo_hand_masks.py --segmenter; the same COCO format):
    # here the phantoms' own masks stand in
    for split in ('train', 'val', 'test'):
        pred = osp.join(phantom_root, 'annotations',
                        f'{split}_pred_hand_masks.json')
        if not osp.isfile(pred):
            shutil.copy(osp.join(phantom_root, 'annotations',
                                 f'{split}_hand_masks.json'), pred)
    return phantom_root


def _data_root_for(cfg, phantom_root, tiny_rsna_root, wholebody_root,
                   release_root):
    root = cfg.train_dataloader.dataset.get('data_root', '')
    if root == 'data/rsna':
        # the full-size configs read the RSNA release as downloaded
        assert _has_ann_files(cfg, release_root), root
        return release_root
    if 'wholebody' in root:
        # whole-body CT configs read the phantoms' layout (their box files
        # only where the config names them)
        return wholebody_root
    if 'phantom' in root:
        return phantom_root
    if 'rsna' in root:
        if 'rsna100' in root:
            # the shared thumbnails, or the project's linked copy that
            # also holds the generated pseudo masks (data/README.md)
            for cand in (osp.join(SHARED_DATA, 'rsna100'),
                         osp.join(REPO, 'data', 'rsna100')):
                if osp.isdir(cand) and _has_ann_files(cfg, cand):
                    return cand
        # rsna100 without its files: the same layout, generated
        assert _has_ann_files(cfg, tiny_rsna_root), root
        return tiny_rsna_root
    return None


def test_configs_found():
    assert len(CONFIGS) >= 3


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in CONFIGS])
def test_config_loads_and_builds(path, phantom_regions, tiny_rsna_root,
                                 wholebody_phantom_root, tiny_release_root,
                                 tmp_path):
    phantom_root = phantom_regions
    register_all_modules()
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'baa_mm'
    # The Runner checks schedulers, hooks and the model at construction
    # (data loaders and optimizer are built lazily).
    run_cfg = cfg.copy()
    run_cfg.work_dir = str(tmp_path)
    if cfg.model.type == 'BoneAgeEnsemble':
        # test-only configs name checkpoints that training writes: a clear
        # error without them, and the member model builds
        missing = [c for c in cfg.model.checkpoints if not osp.isfile(c)]
        if missing:
            with pytest.raises(FileNotFoundError, match=missing[0]):
                Runner.from_cfg(run_cfg)
            run_cfg.model = cfg.model.model
    runner = Runner.from_cfg(run_cfg)
    assert sum(p.numel() for p in runner.model.parameters()) > 0
    runner.build_optim_wrapper(cfg.optim_wrapper)
    assert all('type' in s for s in cfg.param_scheduler)
    root = _data_root_for(cfg, phantom_root, tiny_rsna_root,
                          wholebody_phantom_root, tiny_release_root)
    assert root is not None, (
        f'no test data for data_root '
        f'{cfg.train_dataloader.dataset.get("data_root")!r}: teach '
        '_data_root_for (tests/test_configs.py) to make some')
    datasets = {}
    for key in _loaders(cfg):
        # the tiny folders have fewer rows than the configs' index lists
        indices = cfg[key].dataset.get('indices')
        dataset = DATASETS.build(dict(
            cfg[key].dataset, data_root=root,
            indices=indices if isinstance(indices, int) else None))
        item = dataset[0]
        assert item['inputs'].dim() == 3
        datasets[key] = dataset
    for key, loader in (('val_evaluator', 'val_dataloader'),
                        ('test_evaluator', 'test_dataloader')):
        if cfg.get(loader) is None:
            continue
        # metrics that read annotation files (COCO metrics) find them
        # under the evaluated dataset's data root
        evaluator = Evaluator(cfg[key])
        evaluator.dataset_meta = datasets[loader].metainfo
        for metric in evaluator.metrics:
            if getattr(metric, 'ann_file', None):
                assert osp.isfile(dataset_file(
                    metric.ann_file, evaluator.dataset_meta,
                    type(metric).__name__))


def _split(dataset: dict) -> dict:
    """What decides a dataset's rows: table, image folder and subset."""
    while 'dataset' in dataset:  # dataset wrappers
        dataset = dataset['dataset']
    indices = dataset.get('indices')
    return dict(root=dataset.get('data_root'), ann_file=dataset.get('ann_file'),
                prefix=str(dataset.get('data_prefix')),
                subset=dataset.get('id_subset'),
                indices=range(indices) if isinstance(indices, int) else
                indices)


def _disjoint(a: dict, b: dict) -> bool:
    """Whether two dataset specs can share no row."""
    if (a['root'], a['ann_file'], a['prefix']) != (b['root'], b['ann_file'],
                                                   b['prefix']):
        return True
    sa, sb = a['subset'], b['subset']
    if sa and sb and 'holdout' in sa and 'holdout' in sb:
        return ({sa['part'], sb['part']} == {'rest', 'holdout'}
                and sa['holdout'] == sb['holdout']
                and sa.get('salt') == sb.get('salt'))
    if sa or sb:
        return False
    if a['indices'] is not None and b['indices'] is not None:
        return not set(a['indices']) & set(b['indices'])
    return False


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in CONFIGS])
def test_config_never_selects_on_its_reported_split(path):
    """Model selection (the val loop: save_best, ReduceOnPlateau) and
    training never touch a row of the split the config reports (test)."""
    cfg = Config.fromfile(path)
    if cfg.get('val_dataloader') is None:
        # no validation at all: nothing may select a checkpoint
        assert cfg.get('val_cfg') is None
        assert not cfg.default_hooks.checkpoint.get('save_best')
        assert not any(s['type'] == 'ReduceOnPlateauLR'
                       for s in cfg.param_scheduler)
        assert _disjoint(_split(cfg.train_dataloader.dataset),
                         _split(cfg.test_dataloader.dataset))
        return
    splits = {k: _split(cfg[f'{k}_dataloader'].dataset)
              for k in ('train', 'val', 'test')}
    assert _disjoint(splits['val'], splits['test']), (
        f'selects on its reported split: val {splits["val"]} vs test '
        f'{splits["test"]}')
    assert _disjoint(splits['train'], splits['test']), (
        f'trains on its reported split: {splits["test"]}')
    assert _disjoint(splits['train'], splits['val']), (
        f'selects on its training rows: train {splits["train"]} vs val '
        f'{splits["val"]}')


BACKBONE_BASELINES = sorted(glob.glob(osp.join(
    REPO, 'configs', 'attention_roi', 'baseline*_1xb*_rsna*.py')))


@pytest.mark.parametrize('path', [
    p for p in BACKBONE_BASELINES if 'rsna100' in p or '-in1k_' in p
    and '224px' in p], ids=lambda p: osp.basename(p))
def test_backbone_baseline_takes_a_grayscale_batch(path):
    """The ImageNet-style baselines (3-channel mean/std) on 1-channel
    radiographs: one training step and a prediction (a 3-value mean on
    1-channel inputs failed in mmengine's normalisation once)."""
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import OptimWrapper
    from baa_mm.registry import MODELS
    from baa_mm.structures import BoneAgeDataSample
    register_all_modules()
    cfg = Config.fromfile(path)
    cfg.model.backbone.pop('init_cfg', None)  # no pretrained file here
    model = MODELS.build(cfg.model)
    model.init_weights()  # as the Runner does
    size = 96 if 'rsna100' in path else 80
    batch = []
    for i, age in enumerate((30., 150.)):
        sample = BoneAgeDataSample(metainfo=dict(img_shape=(size, size)))
        sample.set_gt_age(age)
        sample.set_sex(i % 2)
        batch.append(dict(inputs=torch.rand(1, size, size),
                          data_samples=sample))
    data = pseudo_collate(batch)
    model.train()
    losses = model.train_step(data, OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=1e-3)))
    assert torch.isfinite(losses['loss'])
    # BN running statistics = this batch's under the new weights, as after
    # many steps (a random Inception's eval-mode outputs overflow with
    # fresh or one-step statistics)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    with torch.no_grad():
        model.test_step(data)  # train mode: updates the statistics
    model.eval()
    with torch.no_grad():
        out = model.test_step(data)
    assert len(out) == 2 and all(torch.isfinite(o.pred_age) for o in out)


#: Every config file, the ``_base_`` dataset files included (a pipeline
#: there that no config uses yet is still checked).
ALL_CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                               recursive=True))


def _pipeline_transforms(obj):
    """Every transform config under a dataloader config: the datasets'
    pipelines (dataset wrappers and nested ``transforms`` lists
    included)."""
    if isinstance(obj, dict):
        if 'type' in obj and 'pipeline' not in obj and 'dataset' not in obj \
                and 'datasets' not in obj:
            yield obj
        for value in obj.values():
            yield from _pipeline_transforms(value)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _pipeline_transforms(item)


def _resize_interpolation(transform: dict):
    """The interpolation a resizing transform config will use, or None
    for a transform that does not resize (its class default when the
    config gives none; ``RandomResize``: its ``resize_type``'s)."""
    import inspect

    from baa_mm.registry import TRANSFORMS
    name = str(transform['type'])
    short = name.split('.')[-1]
    if not ('Resize' in short or 'Rescale' in short
            or short == 'StackRegions'):
        return None
    if 'interpolation' in transform:
        return transform['interpolation']
    scope = transform.get('_scope_')
    cls = TRANSFORMS.get(f'{scope}.{name}' if scope else name)
    assert cls is not None, f'unknown transform {name}'
    params = inspect.signature(cls.__init__).parameters
    if 'interpolation' not in params and 'resize_type' in params:
        inner = transform.get('resize_type',
                              params['resize_type'].default)
        cls = TRANSFORMS.get(f'{scope}.{inner}' if scope else inner)
        params = inspect.signature(cls.__init__).parameters
    assert 'interpolation' in params, (
        f'{name}: cannot tell how it interpolates; teach '
        '_resize_interpolation (tests/test_configs.py)')
    return params['interpolation'].default


@pytest.mark.parametrize('path', ALL_CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in ALL_CONFIGS])
def test_every_resize_interpolates_with_area(path):
    """A resize that can shrink an image uses area interpolation: mmcv's
    default bilinear aliases a 2,000 px radiograph shrunk to 96-512 px, so
    the predicted age would depend on the source resolution
    (tools/analysis_tools/resolution_consistency.py measures it)."""
    register_all_modules()
    cfg = Config.fromfile(path)
    bad = []
    for key in _loaders(cfg):
        for t in _pipeline_transforms(cfg[key].get('dataset', {})):
            interpolation = _resize_interpolation(t)
            if interpolation not in (None, 'area'):
                bad.append(f'{key}: {t["type"]} ({interpolation})')
    assert not bad, ("resizes without interpolation='area': "
                     + '; '.join(bad))


def test_resize_check_sees_bilinear():
    register_all_modules()
    assert _resize_interpolation(dict(type='Resize', scale=8)) == 'bilinear'
    assert _resize_interpolation(dict(
        _scope_='mmdet', type='RandomResize', scale=8)) == 'bilinear'
    assert _resize_interpolation(dict(type='StackRegions')) == 'area'
    assert _resize_interpolation(dict(type='RandomFlip')) is None
    found = list(_pipeline_transforms(dict(type='ConcatDataset', datasets=[
        dict(type='RSNABoneAgeDataset', pipeline=[
            dict(type='RandomChoice', transforms=[[dict(type='Resize')]])])
    ])))
    assert [t['type'] for t in found] == ['RandomChoice', 'Resize']


#: rsna100 configs whose test images are not read by LoadRadiograph (the
#: mmdet segmenter reads its thumbnails with mmdet's loader and boxes).
NO_SOURCE_GRID = ('hand_seg/mask-rcnn_r18_fpn_1xb8-4e_rsna100-pseudo-128px.py',)
RSNA100_CONFIGS = [
    p for p in ALL_CONFIGS if 'rsna100' in osp.basename(p)
    and osp.relpath(p, osp.join(REPO, 'configs')) not in NO_SOURCE_GRID]


@pytest.mark.parametrize('path', RSNA100_CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in RSNA100_CONFIGS])
def test_rsna100_configs_bring_large_images_onto_the_thumbnail_grid(path):
    """A model trained on rsna100's point-sampled 100 px thumbnails sees a
    full-size original the way it saw the thumbnails: SourceGrid right
    after loading, in the test pipeline (see SourceGrid's docstring)."""
    cfg = Config.fromfile(path)
    test = cfg.test_dataloader
    assert 'rsna100' in test['dataset']['data_root']
    steps = [str(t['type']).split('.')[-1]
             for t in test['dataset']['pipeline']]
    assert steps[:2] == ['LoadRadiograph', 'SourceGrid'], steps
    grid = test['dataset']['pipeline'][1]
    assert tuple(grid['size']) == (100, 100)
    assert grid.get('interpolation', 'nearest-exact') == 'nearest-exact'


#: The published-size PRSNet and RAN configs with every paper-fidelity
#: option (per-level / res5 part features; background removal; end-to-end /
#: binary-mask coupling; Att3 modules without soft masks).
PUBLISHED = [
    'prsnet/prsnet_r34_1xb16-100e_rsna-512px.py',
    'prsnet/prsnet-res5parts_r34_1xb16-100e_rsna-512px.py',
    'prsnet/prsnet-bgrm_r34_1xb16-100e_rsna-512px.py',
    'ran/ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py',
    'ran/ran-maskrcnn-joint_att92-r50_1xb16-50e_rsna-448px.py',
    'ran/ran-maskrcnn-wo-att3mask_att92-r50_1xb16-50e_rsna-448px.py',
]


@pytest.mark.parametrize('name', PUBLISHED)
def test_published_size_config_trains_on_a_release_folder(
        name, tiny_release_root, tmp_path):
    """The published-size configs train as typed on a folder in the RSNA
    release layout (one epoch of two images in batches of two: the size
    of the run is all that changes) and validate."""
    from conftest import PYTHON, run_tool
    loader = ('train_dataloader.batch_size=2 train_dataloader.num_workers=0 '
              'train_dataloader.persistent_workers=False '
              'train_dataloader.dataset.indices=2 '
              'val_dataloader.num_workers=0 '
              'val_dataloader.persistent_workers=False').split()
    proc = run_tool([PYTHON, 'tools/train.py', osp.join('configs', name),
                     '--data-root', tiny_release_root, '--work-dir',
                     str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1',
                     *loader], timeout=900)
    log = proc.stdout + proc.stderr
    assert 'bone_age/MAE' in log  # validated after the epoch
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
