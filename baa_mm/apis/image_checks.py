"""Image-level self-validation: refuse what no model should be asked about.

Cheap checks on the loaded image (before the model runs), each with a named
reason; the feature-space out-of-distribution test comes later, on the
model's own features (:mod:`baa_mm.apis.calibration`).
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

__all__ = ['ImageChecks', 'check_image']


@dataclass
class ImageChecks:
    """Thresholds of :func:`check_image`.

    Attributes:
        min_size (int): Shortest side in pixels. Defaults to 64 (the RSNA
            thumbnails are 100 px; a full radiograph has 1,000+).
        min_contrast (float): Spread between the 1st and 99th percentile of
            the [0, 1] image. Defaults to 0.05.
        max_aspect (float, optional): Longest / shortest side; None: no
            limit (whole-body images are tall). Defaults to None.
    """
    min_size: int = 64
    min_contrast: float = 0.05
    max_aspect: Optional[float] = None


def check_image(img: np.ndarray, checks: ImageChecks = ImageChecks()
                ) -> Optional[str]:
    """Why an image cannot be assessed, or None when it passes.

    Args:
        img (np.ndarray): (H, W) float image in [0, 1] as
            :func:`~baa_mm.datasets.image_io.decode_radiograph` gives.
        checks (ImageChecks): The thresholds.

    Returns:
        str | None: ``'too small: ...'``, ``'blank or too little
        contrast: ...'``, ``'not finite: ...'`` or ``'aspect ratio ...'``;
        None when every check passes.
    """
    if img.ndim != 2:
        return f'expected a 2-D gray image, got shape {tuple(img.shape)}'
    h, w = img.shape
    if min(h, w) < checks.min_size:
        return (f'too small: {h}x{w} pixels (the shortest side must be at '
                f'least {checks.min_size})')
    if checks.max_aspect is not None and \
            max(h, w) / min(h, w) > checks.max_aspect:
        return (f'aspect ratio {max(h, w) / min(h, w):.1f} above '
                f'{checks.max_aspect:g}: not a hand radiograph shape')
    if not np.isfinite(img).all():
        return 'not finite: the image has NaN or infinite pixels'
    lo, hi = np.percentile(img, (1, 99))
    if hi - lo < checks.min_contrast:
        return (f'blank or too little contrast: 1st-99th percentile spread '
                f'{hi - lo:.3f} below {checks.min_contrast:g}')
    return None
