"""A resized PNG cache of a radiograph folder (numpy / OpenCV, no torch).

:func:`build_cache` converts a folder once (resumable); a
:class:`CachedImageResolver` maps source paths to the cached files and their
scale factors. See ``docs/image_cache.md`` for the format.
"""
from .build import build_cache
from .convert import cache_rel_path, convert_image
from .meta import CACHE_VERSION, DEFAULT_EXTS, META_NAME, ImageCacheError
from .resolver import CachedImage, CachedImageResolver, scale_coords

__all__ = [
    'CACHE_VERSION', 'META_NAME', 'DEFAULT_EXTS', 'ImageCacheError',
    'CachedImage', 'CachedImageResolver', 'build_cache', 'convert_image',
    'cache_rel_path', 'scale_coords'
]
