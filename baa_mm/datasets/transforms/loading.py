"""Reading radiographs (the decoding itself is in ``datasets/image_io.py``)."""
from typing import Optional

from mmcv.transforms import BaseTransform
from mmengine import fileio

from baa_mm.registry import TRANSFORMS
from ..image_io import decode_radiograph

__all__ = ['LoadRadiograph']


@TRANSFORMS.register_module()
class LoadRadiograph(BaseTransform):
    """Load a radiograph (PNG/JPEG/TIFF/DICOM) as float32 gray in [0, 1].

    Required keys: ``img_path``. Added keys: ``img`` ((H, W) float32 in
    [0, 1], bone bright), ``img_shape``, ``ori_shape`` ((H, W)).
    See :mod:`baa_mm.datasets.image_io` for the per-format rules.

    Args:
        normalize (str): 'dtype' (8-bit / 255, 16-bit / 65535) or 'minmax'
            (per image; for 16-bit files using fewer bits). Defaults to
            'dtype'.
        backend_args (dict, optional): mmengine file backend arguments.
    """

    def __init__(self,
                 normalize: str = 'dtype',
                 backend_args: Optional[dict] = None) -> None:
        if normalize not in ('dtype', 'minmax'):
            raise ValueError(f"normalize must be 'dtype' or 'minmax', got "
                             f'{normalize!r}')
        self.normalize = normalize
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        try:
            data = fileio.get(path, backend_args=self.backend_args)
        except FileNotFoundError as e:
            raise FileNotFoundError(f'image file not found: {path}') from e
        img = decode_radiograph(data, path, self.normalize)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(normalize={self.normalize!r}, '
                f'backend_args={self.backend_args})')
