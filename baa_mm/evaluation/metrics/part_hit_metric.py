"""How often selected parts land on the regions that carry the age signal."""
from collections import Counter
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from baa_mm.datasets.coco_file import coco_images_by_stem, load_coco
from baa_mm.registry import METRICS
from .dataset_files import dataset_file

__all__ = [
    'PartHitMetric', 'box_hits', 'centre_hits', 'random_boxes_like',
    'box_density'
]


def box_hits(boxes: np.ndarray,
             targets: np.ndarray,
             min_cover: float = 0.5) -> np.ndarray:
    """Which boxes cover at least ``min_cover`` of some target box's area.

    Args:
        boxes (np.ndarray): (P, 4) boxes.
        targets (np.ndarray): (T, 4) informative boxes.

    Returns:
        np.ndarray: (P, T) bool, ``intersection / target area >= min_cover``.
    """
    boxes = torch.from_numpy(np.asarray(boxes, np.float64).reshape(-1, 4))
    targets = torch.from_numpy(
        np.asarray(targets, np.float64).reshape(-1, 4))
    # mmdet's 'iof': intersection over the first argument's (target's) area
    cover = bbox_overlaps(targets, boxes, mode='iof').T
    return (cover >= min_cover).numpy()


def centre_hits(boxes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(P,) bool: the box centre lies inside some target box."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    targets = np.asarray(targets, np.float64).reshape(-1, 4)
    c = (boxes[:, None, :2] + boxes[:, None, 2:]) / 2
    inside = (c >= targets[None, :, :2]) & (c <= targets[None, :, 2:])
    return inside.all(-1).any(-1)


def box_density(boxes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Share of each box's pixels that lie on ``mask`` ((H, W) bool).

    Returns:
        np.ndarray: (P,) values in [0, 1] (integer pixel bounds).
    """
    h, w = mask.shape
    integral = np.pad(
        mask.astype(np.float64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    x1 = np.clip(np.floor(b[:, 0]), 0, w).astype(int)
    y1 = np.clip(np.floor(b[:, 1]), 0, h).astype(int)
    x2 = np.clip(np.ceil(b[:, 2]), 0, w).astype(int)
    y2 = np.clip(np.ceil(b[:, 3]), 0, h).astype(int)
    total = (
        integral[y2, x2] - integral[y1, x2] - integral[y2, x1] +
        integral[y1, x1])
    return total / np.maximum((x2 - x1) * (y2 - y1), 1)


def random_boxes_like(boxes: np.ndarray, width: float, height: float, num: int,
                      rng: np.random.Generator) -> np.ndarray:
    """``num`` boxes per input box, same size, placed uniformly in the image.

    Returns:
        np.ndarray: (P * num, 4) boxes (sizes clipped to the image).
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    w = np.minimum(boxes[:, 2] - boxes[:, 0], width).repeat(num)
    h = np.minimum(boxes[:, 3] - boxes[:, 1], height).repeat(num)
    x1 = rng.uniform(0, 1, len(w)) * (width - w)
    y1 = rng.uniform(0, 1, len(h)) * (height - h)
    return np.stack([x1, y1, x1 + w, y1 + h], axis=1)


@METRICS.register_module()
class PartHitMetric(BaseMetric):
    """Hit rate of PRSNet's selected parts on annotated informative regions.

    A selected box *hits* when it covers at least ``min_cover`` of the area
    of one informative box of its image (phantoms export them as
    ``informative_boxes`` in the COCO annotation file: carpals, radius/ulna
    and phalanx epiphyses). The same is measured for ``num_random`` boxes of
    each selected box's size placed uniformly at random in the image, the
    chance level. Because a large box hits easily, the metric also reports
    the *density*: the share of a box's pixels inside the union of the
    informative boxes, and the *centre hit rate*: the box centre lies in an
    informative box (selected vs random). Boxes are read from
    ``pred_parts.hr_bboxes`` (full resolution); when the test pipeline
    cropped the image (``CropToHand``'s ``crop_bbox`` in the metainfo, as in
    the background-removal configs) they are shifted back into the
    annotation's coordinates and the random boxes are placed inside the
    crop, the region the model could choose from. Keys (prefix
    ``parts/``, percent):
    ``hit_rate``, ``random_hit_rate``, ``hit_ratio``, ``density``,
    ``random_density``, ``density_ratio``, ``centre_hit_rate``,
    ``random_centre_hit_rate``, ``hit_rate_rank<k>`` and ``box_size`` (mean
    side, pixels); the structures hit are logged.

    Args:
        ann_file (str): COCO json with ``informative_boxes`` per image,
            relative to the evaluated dataset's ``data_root`` or absolute
            (see :func:`dataset_file`).
        min_cover (float): Share of an informative box that must be covered.
        num_random (int): Random boxes per selected box.
        seed (int): Seed of the random boxes.
    """

    default_prefix = 'parts'

    def __init__(self,
                 ann_file: str,
                 min_cover: float = 0.5,
                 num_random: int = 20,
                 seed: int = 0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self._images: Optional[Dict[str, dict]] = None
        self.min_cover = min_cover
        self.num_random = num_random
        self.seed = seed

    @property
    def images(self) -> Dict[str, dict]:
        """Informative boxes by image id and file stem (read on first use,
        so that configs build without the data)."""
        if self._images is None:
            ann_file = dataset_file(self.ann_file, self.dataset_meta,
                                    'PartHitMetric')
            coco = load_coco(ann_file, 'PartHitMetric annotation',
                             require=('images', ))
            images: Dict[str, dict] = {}
            for stem, img in coco_images_by_stem(coco).items():
                if 'informative_boxes' not in img:
                    continue
                entry = dict(
                    width=img['width'],
                    height=img['height'],
                    boxes=[
                        b for b in img['informative_boxes']
                        if b.get('visible', True)
                    ])
                images[str(img['id'])] = entry
                images[stem] = entry
            if not images:
                raise ValueError(f'{ann_file}: no image has informative_boxes')
            self._images = images
        return self._images

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            parts = sample.get('pred_parts')
            if parts is None:
                raise ValueError('PartHitMetric needs pred_parts (a model '
                                 'with part selection)')
            img_id = str(sample.get('img_id'))
            if img_id not in self.images:
                raise KeyError(f'image {img_id} has no informative_boxes in '
                               'the annotation file')
            boxes = np.asarray(parts.get('hr_bboxes', parts['bboxes']),
                               np.float64)
            ann = self.images[img_id]
            crop = sample.get('crop_bbox')
            if crop is None:
                crop = [0, 0, ann['width'], ann['height']]
            x1, y1 = float(crop[0]), float(crop[1])
            self.results.append(dict(
                img_id=img_id, boxes=boxes + [x1, y1, x1, y1],
                crop=np.asarray(crop, np.float64)))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        rng = np.random.default_rng(self.seed)
        hits, rand_hits, names = [], [], Counter()
        dens, rand_dens, sizes, centre, rand_centre = [], [], [], [], []
        for res in results:
            ann = self.images[res['img_id']]
            targets = np.array([b['bbox'] for b in ann['boxes']])
            hit = box_hits(res['boxes'], targets, self.min_cover)
            hits.append(hit.any(axis=1))
            for row in hit:
                names.update(ann['boxes'][j]['name']
                             for j in np.flatnonzero(row))
            cx1, cy1, cx2, cy2 = res['crop']
            rand = random_boxes_like(res['boxes'], cx2 - cx1, cy2 - cy1,
                                     self.num_random, rng) + [cx1, cy1, cx1,
                                                              cy1]
            rand_hits.append(
                box_hits(rand, targets, self.min_cover).any(axis=1).mean())
            mask = np.zeros((ann['height'], ann['width']), bool)
            for x1, y1, x2, y2 in targets:
                mask[int(np.floor(y1)):int(np.ceil(y2)),
                     int(np.floor(x1)):int(np.ceil(x2))] = True
            dens.append(box_density(res['boxes'], mask).mean())
            centre.append(centre_hits(res['boxes'], targets).mean())
            rand_centre.append(centre_hits(rand, targets).mean())
            rand_dens.append(box_density(rand, mask).mean())
            b = res['boxes']
            sizes.append(
                np.sqrt((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])).mean())
        hits = np.stack(hits)  # (images, M)
        out = dict(
            hit_rate=float(hits.mean() * 100),
            random_hit_rate=float(np.mean(rand_hits) * 100))
        out['hit_ratio'] = out['hit_rate'] / max(out['random_hit_rate'], 1e-9)
        out['density'] = float(np.mean(dens) * 100)
        out['random_density'] = float(np.mean(rand_dens) * 100)
        out['density_ratio'] = out['density'] / max(out['random_density'],
                                                    1e-9)
        out['centre_hit_rate'] = float(np.mean(centre) * 100)
        out['random_centre_hit_rate'] = float(np.mean(rand_centre) * 100)
        out['box_size'] = float(np.mean(sizes))
        for k in range(hits.shape[1]):
            out[f'hit_rate_rank{k + 1}'] = float(hits[:, k].mean() * 100)
        MMLogger.get_current_instance().info(
            'structures covered by selected parts (count): ' +
            ', '.join(f'{n}: {c}' for n, c in names.most_common()))
        return out
