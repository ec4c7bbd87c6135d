"""Bone-age inference on your own images (as mmdet's ``apis``)."""
import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose

from baa_mm.datasets.image_io import to_unit_range
from baa_mm.datasets.label_file import parse_sex
from baa_mm.registry import DATASETS, MODELS, TRANSFORMS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.engine import load_local_checkpoint
from baa_mm.models.estimators.base import valid_shapes
from baa_mm.utils import register_all_modules
from baa_mm.visualization.grad_cam import regression_grad_cam
from .calibration import input_thumbnail

__all__ = [
    'init_estimator', 'inference_bone_age', 'predict_batch',
    'describe_batch', 'test_pipeline_steps', 'transform_name',
    'model_age_unit'
]

#: Transforms that need annotations; dropped from the test pipeline.
_ANNOTATION_TRANSFORMS = ('LoadHandInstances', 'LoadAnnotations')


def model_age_unit(cfg: Config) -> str:
    """'months' or 'years': the unit of the config's test dataset."""
    dataset = cfg.test_dataloader.dataset
    if 'age_unit' in dataset:
        return dataset['age_unit']
    try:
        cls = DATASETS.get(dataset['type'])
    except KeyError:
        cls = None
    return getattr(cls, 'METAINFO', {}).get('age_unit', 'months')


def init_estimator(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build a bone-age model from a config and load a local checkpoint.

    Args:
        config (str | Config): Config file or object.
        checkpoint (str, optional): Local checkpoint; None keeps the
            initial weights (tests, plumbing).
        device (str): 'cpu', 'cuda', 'cuda:1', ...
        cfg_options (dict, optional): Config overrides.

    Returns:
        nn.Module: The model in eval mode with ``model.cfg`` set.
    """
    register_all_modules()
    cfg = Config.fromfile(config) if isinstance(config, str) else \
        copy.deepcopy(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        load_local_checkpoint(model, checkpoint)
    else:
        model.init_weights()
    model.cfg = cfg
    return model.to(device).eval()


def transform_name(step: dict) -> str:
    """A pipeline step's type without its scope (``'mmdet.Resize'`` →
    ``'Resize'``)."""
    return step['type'].split('.')[-1]


def test_pipeline_steps(cfg: Config) -> List[dict]:
    """The config's test pipeline without its annotation-loading steps
    (inference has no labels)."""
    return [dict(t) for t in cfg.test_dataloader.dataset.pipeline
            if transform_name(t) not in _ANNOTATION_TRANSFORMS]


def _test_pipeline(cfg: Config, from_array: bool) -> Compose:
    steps = test_pipeline_steps(cfg)
    if from_array:
        steps = [t for t in steps if transform_name(t) != 'LoadRadiograph']
    return Compose([TRANSFORMS.build(t) for t in steps])


def inference_bone_age(model: torch.nn.Module,
                       imgs: Union[str, np.ndarray, Sequence],
                       sex: Union[None, int, str, Sequence] = None,
                       with_maps: bool = True,
                       regions: Union[None, dict, Sequence[dict]] = None,
                       grad_cam: Union[bool, dict] = False
                       ) -> Union[BoneAgeDataSample, List[BoneAgeDataSample]]:
    """Predict the bone age of one or several radiographs.

    Args:
        model: From :func:`init_estimator`.
        imgs (str | ndarray | list): Image paths (PNG, JPEG, TIFF, DICOM,
            ...) or (H, W) arrays (uint8 / uint16, or float in [0, 1]).
        sex (int | str | list, optional): 1/'M'/'male'/True male,
            0/'F'/'female'/False female, per image or one for all; required
            by models with a sex input.
        with_maps (bool): Also return the model's maps (``pred_maps``).
        regions (dict | list[dict], optional): Region boxes ``{name: [x1,
            y1, x2, y2]}`` in each image's pixels, for pipelines that crop
            or erase regions (attention-guided models; see
            :func:`baa_mm.apis.localize_chain`).
        grad_cam (bool | dict): Also explain the predicted age with a
            class activation map, stored as ``pred_maps['grad_cam']``
            (see :func:`predict_batch`); a dict gives the arguments of
            :func:`~baa_mm.visualization.regression_grad_cam`, e.g.
            ``dict(method='gradcam++', target_layers=['backbone.layer3'])``.

    Returns:
        BoneAgeDataSample or a list: ``pred_age`` and whatever the model
        adds (``pred_maps``: ``{name: (h, w)}`` maps; PRSNet: ``pred_parts``;
        segment-then-regress: ``pred_hand`` (mask), ``fallback`` metainfo).
    """
    single = isinstance(imgs, (str, np.ndarray))
    imgs = [imgs] if single else list(imgs)
    sexes = sex if isinstance(sex, (list, tuple)) else [sex] * len(imgs)
    if len(sexes) != len(imgs):
        raise ValueError(f'{len(sexes)} sex values for {len(imgs)} images')
    boxes = regions if isinstance(regions, (list, tuple)) else \
        [regions] * len(imgs)
    if len(boxes) != len(imgs):
        raise ValueError(f'{len(boxes)} region sets for {len(imgs)} images')
    data = dict(inputs=[], data_samples=[])
    pipelines = {}  # built once per input kind (file / array)
    for i, (img, s) in enumerate(zip(imgs, sexes)):
        results = dict(img_id=str(i))
        if boxes[i] is not None:
            results['regions'] = dict(boxes[i])
        if isinstance(img, str):
            if not osp.isfile(img):
                raise FileNotFoundError(f'image not found: {img}')
            results.update(img_path=img,
                           img_id=osp.splitext(osp.basename(img))[0])
        else:
            arr = to_unit_range(np.asarray(img), f'image {i}')
            results.update(img=arr, img_shape=arr.shape[:2],
                           ori_shape=arr.shape[:2])
        if s is not None:
            parsed = parse_sex(s)
            if parsed is None:
                raise ValueError(f'unknown sex {s!r} for image {i}; use '
                                 'M/F, male/female or 1/0')
            results['sex'] = parsed
        from_array = not isinstance(img, str)
        if from_array not in pipelines:
            pipelines[from_array] = _test_pipeline(model.cfg, from_array)
        packed = pipelines[from_array](results)
        data['inputs'].append(packed['inputs'])
        data['data_samples'].append(packed['data_samples'])
    out = predict_batch(model, data, with_maps, grad_cam)
    return out[0] if single else out


def predict_batch(model: torch.nn.Module,
                  data: dict,
                  with_maps: bool = False,
                  grad_cam: Union[bool, dict] = False
                  ) -> List[BoneAgeDataSample]:
    """Predict a collated batch, as ``model.test_step`` does, optionally
    with a Grad-CAM map of the predicted age.

    The map is computed on the preprocessed batch (float32, gradients on,
    the model left unchanged) and stored in each sample's
    ``pred_maps['grad_cam']``: an (h, w) float32 tensor in [0, 1] in the
    **network-input frame** (the sample's ``img_shape``, batch padding
    excluded), like the other maps the visualiser stretches over the
    drawn image. :func:`baa_mm.evaluation.map_to_original` takes it back
    to the loaded image's pixels.

    Args:
        model: From :func:`init_estimator`.
        data (dict): ``inputs`` (list of (C, H, W) tensors) and
            ``data_samples``, as a dataloader (``pseudo_collate``) gives.
        with_maps (bool): Also return the model's own maps.
        grad_cam (bool | dict): True or the keyword arguments of
            :func:`~baa_mm.visualization.regression_grad_cam`.

    Returns:
        list[BoneAgeDataSample]: The predictions.
    """
    previous = model.set_return_maps(with_maps)
    try:
        with torch.no_grad():
            packed = model.data_preprocessor(data, False)
            out = model(**packed, mode='predict')
    finally:
        model.set_return_maps(previous)
    if grad_cam:
        kwargs = dict(grad_cam) if isinstance(grad_cam, dict) else {}
        inputs = packed['inputs']
        maps = regression_grad_cam(model, inputs, packed['sex'],
                                   data_samples=packed['data_samples'],
                                   **kwargs)
        for sample, cam, (h, w) in zip(out, maps,
                                       valid_shapes(inputs, out)):
            sample.pred_maps = {**(sample.get('pred_maps', None) or {}),
                                'grad_cam': torch.from_numpy(cam[:h, :w])}
    return out


def describe_batch(model: torch.nn.Module,
                   data: dict) -> Dict[str, Optional[np.ndarray]]:
    """The out-of-distribution descriptors of a collated batch (see
    :mod:`baa_mm.apis.calibration`).

    Args:
        model: From :func:`init_estimator`.
        data (dict): ``inputs`` and ``data_samples`` as
            :func:`predict_batch` takes them.

    Returns:
        dict: ``'features'``: (N, D) float32 ``model.embed`` output (None
        for estimators without one); ``'input'``: (N, C * 256) float32
        16 x 16 thumbnails of the network input.
    """
    with torch.no_grad():
        packed = model.data_preprocessor(data, False)
        out = dict(input=input_thumbnail(packed['inputs']).cpu().numpy(),
                   features=None)
        try:
            out['features'] = model.embed(**packed).float().cpu().numpy()
        except NotImplementedError:
            pass
    return out
