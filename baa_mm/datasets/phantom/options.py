"""Rendering styles, their options and image sizes of the phantoms."""
from __future__ import annotations

from typing import List, Optional, Tuple, Union

#: Bumped whenever the rendered output changes; stored in ``meta.json``.
GENERATOR_VERSION = '1.0'
#: Rendering styles; ``'v1'`` is the default and never changes.
STYLES = ('v1', 'v2')
#: Version of each style's output (``meta.json`` ``style_version`` for v2).
STYLE_VERSIONS = {'v1': GENERATOR_VERSION, 'v2': '2.0'}
#: Options of style ``'v2'``: per-image probabilities of each distractor,
#: probability that a second hand has the primary's age, and the rotation
#: range (degrees, 180 = arbitrary rotation).
DEFAULT_V2_OPTIONS = dict(
    p_collimation=0.4,
    p_second_hand=0.3,
    p_frame=0.15,
    p_ruler=0.3,
    p_marker=0.6,
    p_tag=0.5,
    second_hand_same_age=0.5,
    max_rotation=20.0)
#: ``name`` of the entries of ``distractor_boxes`` (style v2).
DISTRACTOR_NAMES = ('collimation', 'second_hand', 'frame', 'ruler', 'marker',
                    'tag')

ImgSize = Union[int, str, Tuple[int, int], List[int]]


def parse_img_size(img_size: ImgSize) -> Tuple[int, int]:
    """``(width, height)`` of an image size.

    Args:
        img_size (int | tuple | str): Side length (square), ``(width,
            height)`` or a string ``'256'`` / ``'320x256'`` (width x height).

    Returns:
        tuple[int, int]: ``(width, height)``, each >= 32.
    """
    if isinstance(img_size, str):
        parts = img_size.lower().split('x')
        if len(parts) not in (1, 2) or not all(p.strip().isdigit()
                                               for p in parts):
            raise ValueError(f'img_size must look like 256 or 320x256, got '
                             f'{img_size!r}')
        img_size = [int(p) for p in parts]
        if len(img_size) == 1:
            img_size = img_size[0]
    if isinstance(img_size, (tuple, list)):
        if len(img_size) != 2:
            raise ValueError(f'img_size must be an int or (width, height), '
                             f'got {img_size!r}')
        width, height = int(img_size[0]), int(img_size[1])
    else:
        width = height = int(img_size)
    if min(width, height) < 32:
        raise ValueError(f'img_size must be >= 32, got {img_size}')
    return width, height


def size_for_json(img_size: ImgSize) -> Union[int, List[int]]:
    """``img_size`` as stored in JSON: int when square, else [w, h]."""
    width, height = parse_img_size(img_size)
    return width if width == height else [width, height]


def resolve_v2_options(options: Optional[dict] = None) -> dict:
    """Complete and check the options of style ``'v2'``.

    Args:
        options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: Every option, as floats, in the order of the defaults.
    """
    options = dict(options or {})
    unknown = set(options) - set(DEFAULT_V2_OPTIONS)
    if unknown:
        raise ValueError(f'unknown v2 options {sorted(unknown)}, expected '
                         f'some of {list(DEFAULT_V2_OPTIONS)}')
    out = {}
    for key, default in DEFAULT_V2_OPTIONS.items():
        value = float(options.get(key, default))
        hi = 180.0 if key == 'max_rotation' else 1.0
        if not 0.0 <= value <= hi:
            raise ValueError(f'v2 option {key} must lie in [0, {hi:g}], got '
                             f'{value}')
        out[key] = value
    return out


def check_style(style: str, v2_options: Optional[dict]) -> Optional[dict]:
    """Check a style and its options.

    Args:
        style (str): One of :data:`STYLES`.
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`;
            only allowed with style ``'v2'``.

    Returns:
        dict or None: The resolved v2 options, None for style ``'v1'``.
    """
    if style not in STYLES:
        raise ValueError(f'unknown style {style!r}, expected one of {STYLES}')
    if style == 'v1':
        if v2_options:
            raise ValueError("v2_options need style='v2'")
        return None
    return resolve_v2_options(v2_options)
