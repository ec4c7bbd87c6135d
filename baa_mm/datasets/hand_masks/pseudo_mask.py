"""Automatic ("pseudo") hand masks of radiographs (numpy / OpenCV).

CLAHE, Canny edges, plate-edge removal, closing, hole filling by regions and
the largest component, at a working resolution (long side ``work_size``).
The algorithm, the reasons for each step, how the parameters were tuned and
the known failure modes are described in ``docs/hand_masks.md``.
Input: an (H, W) radiograph; output: an (H, W) bool mask.
"""
import ast
import math
from typing import Dict, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from .regions import (classify_regions, ellipse_kernel, fill_holes,
                      largest_components, plate_lines, rectangularity)

__all__ = ['PSEUDO_MASK_DEFAULTS', 'pseudo_hand_mask', 'parse_mask_params']

#: Default parameters of :func:`pseudo_hand_mask` (pixel sizes are for
#: ``work_size=384`` and scale with it). See ``docs/hand_masks.md``.
PSEUDO_MASK_DEFAULTS: Dict[str, Union[int, float, str]] = dict(
    work_size=384,
    equalize='clahe',
    clahe_clip=2.0,
    clahe_tiles=8,
    blur_sigma=1.15,
    canny_percentile=87.0,
    canny_low_ratio=0.4,
    line_min_length=0.3,
    line_long_length=0.6,
    line_border_dist=0.1,
    line_corner_dist=0.05,
    line_votes=0.4,
    line_max_gap=6,
    line_erase_width=5,
    edge_dilate=3,
    close_size=11,
    open_size=11,
    border_margin=0.02,
    bg_contact=0.15,
    contact_width=8,
    pocket_min_area=0.01,
    pocket_tol=0.1,
    bg_min_area=0.02,
    rect_min_area=0.05,
    rect_thr=0.85,
    plate_min_area=0.1,
    plate_rect_thr=0.85,
    plate_passes=1,
    shrink=1,
    max_components=1,
    second_min_ratio=0.5,
)
_REF_SIZE = 384.


def parse_mask_params(items: Optional[Sequence[str]]) -> dict:
    """Parse ``KEY=VALUE`` overrides of :data:`PSEUDO_MASK_DEFAULTS`.

    Values are Python literals when they parse as one, else strings:
    ``['close_size=13', 'equalize=hist']`` -> ``{'close_size': 13,
    'equalize': 'hist'}``.

    Args:
        items (Sequence[str], optional): The overrides (None: none).

    Returns:
        dict: Parameter name -> value.

    Raises:
        ValueError: An item without ``=``, or an unknown key (the message
            names the known ones).
    """
    params = {}
    for item in items or []:
        if '=' not in item:
            raise ValueError(f'expected KEY=VALUE, got {item!r}')
        key, value = item.split('=', 1)
        key = key.strip()
        if key not in PSEUDO_MASK_DEFAULTS:
            raise ValueError(f'unknown parameter {key!r}; known: '
                             f'{", ".join(sorted(PSEUDO_MASK_DEFAULTS))}')
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def _odd(value: float, scale: float) -> int:
    """``value * scale`` rounded to an odd kernel size >= 1."""
    return max(1, int(round(value * scale))) | 1


def _check_params(params: dict) -> dict:
    """The defaults updated with ``params`` (validated)."""
    unknown = set(params) - set(PSEUDO_MASK_DEFAULTS)
    if unknown:
        raise ValueError(f'unknown pseudo_hand_mask parameter(s): '
                         f'{sorted(unknown)}; known: '
                         f'{sorted(PSEUDO_MASK_DEFAULTS)}')
    p = dict(PSEUDO_MASK_DEFAULTS, **params)
    if p['equalize'] not in ('clahe', 'hist', 'none'):
        raise ValueError("equalize must be 'clahe', 'hist' or 'none', got "
                         f"{p['equalize']!r}")
    if int(p['max_components']) < 1:
        raise ValueError('max_components must be >= 1')
    return p


def _to_uint8(img: np.ndarray) -> np.ndarray:
    """(H, W) uint8 of a grayscale image of any dtype (step 1)."""
    img = np.asarray(img)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim != 2:
        raise ValueError('expected a (H, W) grayscale image, got shape '
                         f'{img.shape}')
    if img.size == 0:
        raise ValueError('empty image')
    if img.dtype == np.uint8:
        return img
    if img.dtype == bool:
        return img.astype(np.uint8) * 255
    if np.issubdtype(img.dtype, np.integer):
        return (img.astype(np.float64) / np.iinfo(img.dtype).max * 255 +
                0.5).clip(0, 255).astype(np.uint8)
    img = np.nan_to_num(img.astype(np.float32), nan=0., posinf=1., neginf=0.)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def _working_image(img8: np.ndarray, work: int) -> np.ndarray:
    """(h, w) uint8 image with long side ``work`` (step 1)."""
    H, W = img8.shape
    scale = work / max(H, W)
    wh, ww = max(1, round(H * scale)), max(1, round(W * scale))
    return cv2.resize(img8, (ww, wh), interpolation=cv2.INTER_AREA
                      if scale < 1 else cv2.INTER_LINEAR)


def _edge_map(gray: np.ndarray, p: dict, ks: float) -> Optional[np.ndarray]:
    """(h, w) uint8 0/1 Canny edges after equalisation and blur (steps 2-3),
    None when there are none."""
    im = gray
    if p['equalize'] == 'clahe':
        tiles = int(p['clahe_tiles'])
        im = cv2.createCLAHE(float(p['clahe_clip']),
                             (tiles, tiles)).apply(im)
    elif p['equalize'] == 'hist':
        im = cv2.equalizeHist(im)
    if p['blur_sigma'] > 0:
        im = cv2.GaussianBlur(im, (0, 0), float(p['blur_sigma']) * ks)
    magnitude = np.hypot(cv2.Sobel(im, cv2.CV_32F, 1, 0),
                         cv2.Sobel(im, cv2.CV_32F, 0, 1))
    high = float(np.percentile(magnitude, p['canny_percentile']))
    if high <= 0:
        return None
    edges = (cv2.Canny(im, p['canny_low_ratio'] * high, high,
                       L2gradient=True) > 0).astype(np.uint8)
    return edges if edges.any() else None


def _erase_plate_lines(edges: np.ndarray, p: dict, ks: float) -> int:
    """Erase cassette / collimator edges from ``edges`` in place (step 4);
    returns how many segments were erased."""
    if p['line_min_length'] <= 0:
        return 0
    min_len = p['line_min_length'] * int(p['work_size'])
    lines = cv2.HoughLinesP(
        edges, 2, np.pi / 360,
        threshold=max(1, int(min_len * p['line_votes'])),
        minLineLength=min_len, maxLineGap=p['line_max_gap'] * ks)
    if lines is None:
        return 0
    lines = plate_lines(lines.reshape(-1, 4).astype(np.float64),
                        *edges.shape, p)
    erase = _odd(p['line_erase_width'], ks)
    for x1, y1, x2, y2 in lines:
        cv2.line(edges, (int(x1), int(y1)), (int(x2), int(y2)), 0, erase)
    return len(lines)


def _barrier_map(edges: np.ndarray, p: dict, ks: float) -> np.ndarray:
    """(h, w) uint8: edges dilated and closed on a zero-padded image
    (step 5)."""
    dil = _odd(p['edge_dilate'], ks)
    close = _odd(p['close_size'], ks)
    barrier = cv2.dilate(edges, ellipse_kernel(dil)) if dil > 1 else edges
    barrier = cv2.copyMakeBorder(barrier, close, close, close, close,
                                 cv2.BORDER_CONSTANT, value=0)
    return cv2.morphologyEx(barrier, cv2.MORPH_CLOSE,
                            ellipse_kernel(close))[close:-close, close:-close]


def _border_margin(shape: Tuple[int, int], p: dict) -> int:
    """Margin ``k`` in pixels (0 when the image is too small for it)."""
    k = int(round(p['border_margin'] * int(p['work_size'])))
    return 0 if 2 * k >= min(shape) - 2 else k


def _fill_hand(barrier: np.ndarray, gray: np.ndarray, p: dict, ks: float,
               k: int, info: dict) -> np.ndarray:
    """Regions, opening, components and the plate pass (steps 6-9).

    Returns:
        np.ndarray: (h, w) uint8 0/1 mask (all 0 when no hand was found).
    """
    wh, ww = barrier.shape
    opn = _odd(p['open_size'], ks)
    g = gray.astype(np.float32)
    lo, hi = np.percentile(g, [1, 99])
    g = (g - lo) / max(hi - lo, 1.)
    p['_contact_px'] = max(1, int(round(p['contact_width'] * ks)))
    valid = np.zeros_like(barrier)
    valid[k:wh - k, k:ww - k] = 1
    out = np.zeros_like(barrier)
    for depth in range(int(p['plate_passes']) + 1):
        filled = classify_regions(barrier, valid, g, p)
        if opn > 1:
            filled = cv2.morphologyEx(filled, cv2.MORPH_OPEN,
                                      ellipse_kernel(opn))
        out, areas = largest_components(filled, int(p['max_components']),
                                        float(p['second_min_ratio']))
        info['num_components'], info['component_areas'] = len(areas), areas
        if not (depth < p['plate_passes'] and areas
                and out.sum() >= p['plate_min_area'] * valid.sum()
                and rectangularity(out) >= p['plate_rect_thr']):
            break
        info['plate_passes'] += 1  # a plate: search again inside it
        valid = cv2.erode(fill_holes(out), ellipse_kernel(2 * k + 1))
        if not valid.any():
            break
    return out


def _finish(out: np.ndarray, k: int, p: dict, ks: float) -> np.ndarray:
    """Margin from the nearest valid pixels, then the 1 px erosion
    (step 10, before resizing)."""
    wh, ww = out.shape
    if k > 0:
        out = cv2.copyMakeBorder(out[k:wh - k, k:ww - k], k, k, k, k,
                                 cv2.BORDER_REPLICATE)
    shrink = int(math.ceil(p['shrink'] * ks)) if p['shrink'] > 0 else 0
    if shrink > 0:
        out = cv2.erode(out, ellipse_kernel(2 * shrink + 1))
    return out


def _working_mask(gray: np.ndarray, p: dict,
                  info: dict) -> Tuple[Optional[np.ndarray], str]:
    """Steps 2-10 at the working resolution: ``(mask, reason)``; ``reason``
    explains an empty or missing mask."""
    ks = int(p['work_size']) / _REF_SIZE
    if int(gray.max()) - int(gray.min()) < 2:
        return None, 'flat image (no contrast)'
    edges = _edge_map(gray, p, ks)
    if edges is None:
        return None, 'no edges found'
    info['lines_removed'] = _erase_plate_lines(edges, p, ks)
    barrier = _barrier_map(edges, p, ks)
    k = _border_margin(barrier.shape, p)
    out = _fill_hand(barrier, gray, p, ks, k, info)
    if not out.any():
        return None, ('no closed hand outline found (every region was '
                      'classified as background)')
    return _finish(out, k, p, ks), 'mask vanished after erosion'


def pseudo_hand_mask(img: np.ndarray,
                     return_info: bool = False,
                     **params) -> Union[np.ndarray, Tuple[np.ndarray, dict]]:
    """Automatic hand mask of a radiograph (edges + morphology).

    See ``docs/hand_masks.md`` for the algorithm and
    :data:`PSEUDO_MASK_DEFAULTS` for the parameters (any of them can be
    passed as a keyword argument).

    Args:
        img (np.ndarray): (H, W) radiograph, float in [0, 1] (as
            :func:`~baa_mm.datasets.image_io.decode_radiograph` returns),
            uint8, or another integer type (scaled by its maximum).
        return_info (bool): Also return a dict with ``num_components``,
            ``component_areas`` (pixels of the working image),
            ``plate_passes`` (how many times a plate was detected),
            ``lines_removed``, ``work_shape`` and ``reason`` (why the mask is
            empty, else None).
        **params: Overrides of :data:`PSEUDO_MASK_DEFAULTS`.

    Returns:
        np.ndarray | tuple: (H, W) bool mask (all False when no hand was
        found), and the info dict if ``return_info``.

    Raises:
        ValueError: Not a 2-D image, or an unknown parameter.
    """
    p = _check_params(params)
    img8 = _to_uint8(img)
    H, W = img8.shape
    gray = _working_image(img8, int(p['work_size']))
    info = dict(num_components=0, component_areas=[], plate_passes=0,
                lines_removed=0, work_shape=gray.shape, reason=None)
    small, reason = _working_mask(gray, p, info)
    if small is None or not small.any():
        mask = np.zeros((H, W), bool)
        info.update(reason=reason, num_components=0, component_areas=[])
    else:
        mask = cv2.resize(small.astype(np.float32), (W, H),
                          interpolation=cv2.INTER_LINEAR) >= 0.5
    return (mask, info) if return_info else mask
