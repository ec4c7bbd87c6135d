"""Turning a trained CAM localiser into region boxes (Chen et al., phase I).

:func:`localize_images` boxes any images (paths or arrays) through the
inference API; :func:`localize_dataset` boxes every image of a dataset into
a region file (``baa_mm.datasets.region_file``), resumably, listing the
images that fail instead of dropping them.
"""
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.utils import ProgressBar

from baa_mm.datasets.region_file import (read_region_entries,
                                         write_region_file)
from .inference import inference_bone_age

__all__ = ['localize_images', 'localize_dataset', 'region_of',
           'localize_chain']


def region_of(sample) -> dict:
    """``dict(name, box, score)`` of a localiser's prediction (the box in
    the pixels of the image as loaded)."""
    parts = sample.pred_parts
    box = parts.hr_bboxes[0] if 'hr_bboxes' in parts else parts.bboxes[0]
    return dict(name=parts.names[0], box=[float(v) for v in box],
                score=float(parts.scores[0]))


def localize_images(model: torch.nn.Module, imgs: Sequence,
                    sex=None, regions=None) -> List[dict]:
    """Region box of each image: ``dict(name, box, score)``, the box
    ``(x1, y1, x2, y2)`` in the image's own pixels (``regions``: boxes the
    localiser's pipeline needs, e.g. R1 for the R2 localiser)."""
    samples = inference_bone_age(model, list(imgs), sex, with_maps=False,
                                 regions=regions)
    return [region_of(s) for s in samples]


def localize_chain(localizers: Sequence[torch.nn.Module], imgs: Sequence,
                   sex=None) -> List[Dict[str, List[float]]]:
    """Run several localisers in order, each seeing the boxes found so far
    (R1 before R2, whose pipeline erases R1), and return ``{name: box}``
    per image: the ``regions`` a phase-II model takes in
    :func:`inference_bone_age`."""
    imgs = list(imgs)
    found: List[Dict[str, List[float]]] = [{} for _ in imgs]
    for model in localizers:
        for boxes, region in zip(found, localize_images(model, imgs, sex,
                                                        found)):
            boxes[region['name']] = region['box']
    return found


def _predict(model, batch: list, infos: list, failed: list,
             name: str) -> tuple:
    """Predictions of a batch; if the batch fails, image by image, listing
    the images that fail (with the reason) in ``failed``."""
    try:
        with torch.no_grad():
            return model.test_step(pseudo_collate(batch)), infos
    except Exception:  # noqa: BLE001 (retried one by one below)
        if len(batch) == 1:
            raise
    samples, kept = [], []
    for item, info in zip(batch, infos):
        try:
            with torch.no_grad():
                samples += model.test_step(pseudo_collate([item]))
            kept.append(info)
        except Exception as e:  # noqa: BLE001 (named in the file)
            failed.append(dict(file_name=info['img_path'], region=name,
                               reason=f'{type(e).__name__}: {e}'))
    return samples, kept


def _original_size(info: dict, sample) -> tuple:
    """(width, height) of the original image file and the factor from the
    loaded image's pixels to it (an image cache loads smaller copies)."""
    h, w = sample.metainfo['ori_shape'][:2]
    sx, sy = info.get('cache_scale', (1., 1.))
    return int(round(w / sx)), int(round(h / sy)), (1. / sx, 1. / sy)


def localize_dataset(model: torch.nn.Module,
                     dataset,
                     out_file: str,
                     batch_size: int = 16,
                     resume: bool = True,
                     save_every: int = 20,
                     progress: bool = True,
                     on_box: Optional[Callable] = None) -> Dict[str, int]:
    """Box every image of ``dataset`` with ``model`` into ``out_file``.

    The file keeps other regions already in it (one file can hold H, R1 and
    R2); with ``resume``, images that already have this model's region are
    skipped, without it their box is computed again. It is rewritten (atomically) every ``save_every`` batches, so
    a killed run loses at most that much. An image whose loading or
    localisation fails is listed in the file's ``failed`` entries (file
    name and reason), never silently dropped.

    Args:
        model: A :class:`CAMLocalizer` in eval mode.
        dataset: A built dataset whose pipeline is the localiser's test
            pipeline.
        out_file (str): The region file.
        batch_size (int): Images per forward pass.
        resume (bool): Skip images already localised for this region.
        save_every (int): Batches between saves.
        progress (bool): Show a progress bar.
        on_box (Callable, optional): Called as ``on_box(info, region)``
            for each new box (e.g. to save crops).

    Returns:
        dict: counts ``localised``, ``skipped`` (already there), ``failed``.
    """
    name = model.region
    images, failed = read_region_entries(out_file) \
        if osp.isfile(out_file) else ({}, [])
    failed = [f for f in failed if f.get('region') != name]
    todo = [i for i in range(len(dataset))
            if not resume or name not in images.get(
                dataset.get_data_info(i)['img_id'], {}).get('regions', {})]
    bar = ProgressBar(len(todo)) if progress and todo else None
    done = 0
    for start in range(0, len(todo), batch_size):
        batch, infos = [], []
        for i in todo[start:start + batch_size]:
            info = dataset.get_data_info(i)
            try:
                batch.append(dataset[i])
                infos.append(info)
            except Exception as e:  # noqa: BLE001 (named in the file)
                failed.append(dict(file_name=info['img_path'], region=name,
                                   reason=f'{type(e).__name__}: {e}'))
            if bar is not None:
                bar.update()
        if batch:
            samples, infos = _predict(model, batch, infos, failed, name)
            for info, sample in zip(infos, samples):
                w, h, (fx, fy) = _original_size(info, sample)
                region = region_of(sample)
                box = (np.asarray(region['box']) *
                       np.array([fx, fy, fx, fy])).tolist()
                path = info.get('ori_img_path', info['img_path'])
                entry = images.setdefault(info['img_id'], dict(
                    file_name=osp.basename(path), width=w, height=h,
                    regions={}))
                entry['regions'][name] = (box, region['score'])
                done += 1
                if on_box is not None:
                    on_box(info, dict(region, box=box))
        if (start // batch_size + 1) % save_every == 0:
            write_region_file(out_file, images, failed)
    write_region_file(out_file, images, failed)
    return dict(localised=done, skipped=len(dataset) - len(todo),
                failed=sum(f.get('region') == name for f in failed))
