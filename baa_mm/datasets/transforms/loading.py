"""Reading radiographs."""
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine import fileio

from baa_mm.registry import TRANSFORMS

__all__ = ['LoadRadiograph', 'decode_radiograph']


def decode_radiograph(data: bytes, path: str = '<bytes>') -> np.ndarray:
    """Decode PNG/JPEG bytes to a float32 grayscale image in [0, 1].

    8-bit images are divided by 255, 16-bit by 65535; RGB(A) images are
    converted to luminance (alpha dropped).

    Args:
        data (bytes): Encoded image.
        path (str): Name used in error messages.

    Returns:
        np.ndarray: (H, W) float32 in [0, 1].

    Raises:
        ValueError: Empty or undecodable data (names ``path``).
    """
    if len(data) == 0:
        raise ValueError(f'{path}: empty image file')
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f'{path}: not a readable image (corrupt, truncated '
                         'or not an image format)')
    if img.ndim == 3:
        if img.shape[2] == 4:
            img = img[..., :3]
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.shape[2] == 3 \
            else img[..., 0]
    if img.dtype == np.uint8:
        scale = 255.
    elif img.dtype == np.uint16:
        scale = 65535.
    else:
        raise ValueError(f'{path}: unsupported pixel type {img.dtype}')
    return img.astype(np.float32) / scale


@TRANSFORMS.register_module()
class LoadRadiograph(BaseTransform):
    """Load a radiograph as a float32 grayscale image in [0, 1].

    Required keys: ``img_path``. Added keys: ``img`` ((H, W) float32 in
    [0, 1]), ``img_shape``, ``ori_shape`` ((H, W)).

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        try:
            data = fileio.get(path, backend_args=self.backend_args)
        except FileNotFoundError as e:
            raise FileNotFoundError(f'image file not found: {path}') from e
        img = decode_radiograph(data, path)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'
