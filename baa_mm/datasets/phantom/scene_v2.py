"""Scene of a style-v2 image: second hand and distractors.

:class:`V2Scene` is built after the primary hand is drawn. It decides which
distractors are present, places them off both hands and the informative
boxes, and keeps two layers: objects in the beam (collimation, lead
markers, rulers; applied before blur and noise) and burned-in ones (text
tags, frames; applied after). Each kind of distractor draws from its own
stream ``default_rng([seed, index, 2, k])``; see ``docs/phantom.md``.
"""
from __future__ import annotations

import math
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

from ..hand_masks import mask_bbox
from .distractors import (Overlay, Patch, collimation_field,
                          edge_anchor_candidates, edge_strip_candidates,
                          first_free, marker_patch, ruler_patch, tag_patch)
from .hand import keep_points
from .options import DISTRACTOR_NAMES
from .second_hand import PrimaryHand, place_second_hand

#: Sub-stream ids: default_rng([seed, index, V2_STREAM, k]).
V2_STREAM = 2
STREAM_IDS = {name: i + 1 for i, name in enumerate(DISTRACTOR_NAMES)}
#: Candidate positions tried per ruler, marker and tag.
NUM_CANDIDATES = 16


def box_region_map(boxes: Sequence[dict], width: int,
                   height: int) -> np.ndarray:
    """Pixels touched by boxes ``[x1, y1, x2, y2]``, bool (H, W)."""
    out = np.zeros((height, width), bool)
    for b in boxes:
        x1, y1, x2, y2 = b['bbox']
        out[int(math.floor(y1)):int(math.ceil(y2)),
            int(math.floor(x1)):int(math.ceil(x2))] = True
    return out


def dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """``mask`` (H, W) grown by ``r`` pixels (square), bool (H, W)."""
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def xyxy(mask: np.ndarray) -> List[float]:
    """Box ``[x1, y1, x2, y2]`` of the pixels of a mask (H, W)."""
    x, y, w, h = mask_bbox(mask)
    return [x, y, x + w, y + h]


class V2Scene:
    """Second hand and distractors of one v2 image.

    Args:
        seed (int): Seed of the image.
        index (int): Index of the image.
        opts (dict): Resolved v2 options.
        size (tuple[int, int]): Image ``(width, height)``.
        k (float): Image pixels per canonical pixel of the image size.
        primary (PrimaryHand): The primary hand.
        bone (np.ndarray): Bone canvas, uint8 (H, W); a second hand's bones
            are painted into it.
        bone_d (float): Bone intensity.

    Attributes:
        records (list[dict]): ``distractor_boxes`` of the sample.
        skipped (list[str]): Distractors present but without a free place.
        tissue2 (np.ndarray or None): Second hand's tissue, uint8 (H, W).
        second (dict or None): Second hand's ``hands`` entry.
        distractor_mask (np.ndarray): Distractor pixels, bool (H, W).
    """

    def __init__(self, seed: int, index: int, opts: dict,
                 size: Tuple[int, int], k: float, primary: PrimaryHand,
                 bone: np.ndarray, bone_d: float) -> None:
        self.width, self.height = width, height = size
        self.size = min(width, height)
        self.k = k
        self.margin = max(2, int(math.ceil(3.0 * k)))
        self.records: List[dict] = []
        self.skipped: List[str] = []
        self.tissue2 = None
        self.second = None
        self.field = None
        self.physical = Overlay(height, width)
        self.overlay = Overlay(height, width)
        self._key = [int(seed), int(index), V2_STREAM]

        present = self._presence(opts)
        box_map = box_region_map(primary.boxes, width, height)
        if present['collimation']:
            self._collimate(primary)
        self.outside = (self.field['coverage'] < 128 if self.field is not None
                        else np.zeros((height, width), bool))
        blocked = primary.mask | box_map
        if present['second_hand']:
            self._second_hand(opts, primary, box_map, bone, bone_d, blocked)
        self._add_objects(present, box_map, blocked)
        self.distractor_mask = (self.physical.covered()
                                | self.overlay.covered() | self.outside)
        if self.second is not None:  # final visible extent (frame cut)
            for r in self.records:
                if r['name'] == 'second_hand':
                    r['bbox'] = xyxy(self.visible(self.second['mask']))

    def _stream(self, name: str) -> np.random.Generator:
        return np.random.default_rng(self._key + [STREAM_IDS[name]])

    def _presence(self, opts: dict) -> Dict[str, bool]:
        u = np.random.default_rng(self._key + [0]).random(
            len(DISTRACTOR_NAMES))
        return {name: bool(u[i] < opts[f'p_{name}'])
                for i, name in enumerate(DISTRACTOR_NAMES)}

    # ---- collimation and second hand ---------------------------------------
    def _collimate(self, primary: PrimaryHand) -> None:
        keep = primary.paint.to_image(keep_points(primary.layout)) + 0.5
        keep_boxes = [b['bbox'] for b in primary.boxes] + [
            [x, y, x, y] for x, y in keep]
        self.field = collimation_field(self._stream('collimation'),
                                       self.width, self.height, keep_boxes,
                                       self.margin + 1.0)
        if self.field is None:
            self.skipped.append('collimation')
            return
        poly = [round(float(v), 2) for v in self.field['polygon'].reshape(-1)]
        for b in self.field['boxes']:
            self.records.append(dict(name='collimation', bbox=b, polygon=poly,
                                     outside=self.field['outside']))

    def _second_hand(self, opts: dict, primary: PrimaryHand,
                     box_map: np.ndarray, bone: np.ndarray, bone_d: float,
                     blocked: np.ndarray) -> None:
        near_primary = dilate(primary.mask | box_map, self.margin)
        inside = ~self.outside
        placed = place_second_hand(self._stream('second_hand'), opts,
                                   primary, self.k, near_primary, inside,
                                   bone, bone_d)
        if placed is None:
            self.skipped.append('second_hand')
            return
        self.tissue2, self.second = placed.tissue, placed.hand
        mask2 = placed.hand['mask']
        self.records.append(dict(name='second_hand', bbox=xyxy(mask2 & inside),
                                 boneage=placed.hand['boneage'],
                                 same_age=placed.same_age))
        blocked |= mask2

    # ---- frame, ruler, markers, tags ----------------------------------------
    def _add_objects(self, present: Dict[str, bool], box_map: np.ndarray,
                     blocked: np.ndarray) -> None:
        if present['frame']:
            self._frame(self._stream('frame'), box_map, blocked)
        if present['ruler']:
            self._ruler(self._stream('ruler'), blocked)
        if present['marker']:
            rng = self._stream('marker')
            side = rng.uniform(0.06, 0.10) * self.size
            patch, info = marker_patch(rng, int(round(side)))
            self._place('marker', rng, patch, info, blocked, physical=True)
        if present['tag']:
            rng = self._stream('tag')
            n_tags = 1 + int(rng.random() < 0.4)
            for _ in range(n_tags):
                ch = max(3.0, rng.uniform(0.025, 0.045) * self.size)
                patch, info = tag_patch(rng, ch)
                self._place('tag', rng, patch, info, blocked, physical=False)

    def _frame(self, rng: np.random.Generator, box_map: np.ndarray,
               blocked: np.ndarray) -> None:
        width, height = self.width, self.height
        f = max(1, int(round(rng.uniform(0.008, 0.03) * self.size)))
        value = rng.uniform(200.0, 255.0)
        ys, xs = np.nonzero(box_map)
        if len(xs):
            room = min(xs.min(), ys.min(), width - 1 - xs.max(),
                       height - 1 - ys.max()) - self.margin
            f = min(f, int(room))
        if f < 1:
            self.skipped.append('frame')
            return
        strips = ((0, 0, width, f), (0, height - f, width, height),
                  (0, f, f, height - f), (width - f, f, width, height - f))
        for x0, y0, x1, y1 in strips:
            self.overlay.fill_rect(x0, y0, x1, y1, value)
            blocked[y0:y1, x0:x1] = True
            self.records.append(dict(name='frame', bbox=[float(x0), float(y0),
                                                         float(x1),
                                                         float(y1)]))

    def _ruler(self, rng: np.random.Generator, blocked: np.ndarray) -> None:
        rw = max(3, int(round(rng.uniform(0.035, 0.06) * self.size)))
        spacing = rng.uniform(0.018, 0.03) * self.size
        cands = edge_strip_candidates(rng, NUM_CANDIDATES, rw, self.width,
                                      self.height, self.size)
        found = first_free(cands, (blocked | self.outside, blocked),
                           self.margin)
        if found is None:
            self.skipped.append('ruler')
            return
        x0, y0, w, h = found
        patch, info = ruler_patch(rng, max(w, h), min(w, h), spacing,
                                  vertical=h > w)
        self._commit('ruler', x0, y0, patch, info, blocked, physical=True)

    def _place(self, name: str, rng: np.random.Generator, patch: Patch,
               info: dict, blocked: np.ndarray, physical: bool) -> None:
        """Place a patch near a corner or an edge, off ``blocked``."""
        ph, pw = patch[0].shape
        anchors = edge_anchor_candidates(rng, NUM_CANDIDATES, pw, ph,
                                         self.width, self.height, self.size)
        cands = [(x, y, pw, ph) for x, y in anchors]
        maps = (blocked | self.outside, blocked) if physical else (blocked, )
        found = first_free(cands, maps, self.margin)
        if found is None:
            self.skipped.append(name)
            return
        self._commit(name, found[0], found[1], patch, info, blocked,
                     physical)

    def _commit(self, name: str, x0: int, y0: int, patch: Patch, info: dict,
                blocked: np.ndarray, physical: bool) -> None:
        ph, pw = patch[0].shape
        (self.physical if physical else self.overlay).paste(x0, y0, patch)
        blocked[y0:y0 + ph, x0:x0 + pw] = True
        self.records.append(dict(name=name, bbox=[float(x0), float(y0),
                                                  float(x0 + pw),
                                                  float(y0 + ph)], **info))

    # ---- compositing -------------------------------------------------------
    def apply_physical(self, img: np.ndarray) -> None:
        """Collimation and in-beam objects, in place on float32 (H, W)."""
        if self.field is not None:
            f = self.field['coverage'].astype(np.float32) * np.float32(
                1.0 / 255.0)
            img *= f
            img += (1.0 - f) * np.float32(self.field['value'])
        self.physical.apply(img)

    def apply_overlay(self, img: np.ndarray) -> None:
        """Burned-in text and frames, in place on float32 (H, W)."""
        self.overlay.apply(img)

    def visible(self, mask: np.ndarray) -> np.ndarray:
        """A hand's geometric mask (H, W) restricted to its visible
        pixels."""
        return mask & ~self.distractor_mask

    def visible_hands(self, primary: dict) -> List[dict]:
        """``PhantomSample.hands``: the primary hand (its ``mask`` replaced
        by the visible one) and the second hand, if any."""
        primary['mask'] = self.visible(primary['mask'])
        hands = [primary]
        if self.second is not None:
            second = dict(self.second)
            second['mask'] = self.visible(second['mask'])
            hands.append(second)
        return hands
