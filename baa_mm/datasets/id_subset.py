"""Subsets of a label table by image id: hash-carved holdouts and id lists.

Model selection (``save_best``, ``ReduceOnPlateau``, early stopping, any
tuning) must never see the split a figure is reported on. The configs carve
a *selection split* out of the training table instead of copying label
files: an image belongs to the holdout when a hash of its id (and a salt)
falls below the holdout fraction. The hash (SHA-1) is the same on every
machine and in every Python, so two users with the same table get the same
split, and an id never moves between parts when rows are added or removed.

``tools/dataset_converters/carve_selection_split.py`` writes the carved ids
as a list (one id per line), and an id list can select rows as well:

* ``dict(holdout=0.1, part='rest')``: the training part;
  ``dict(holdout=0.1, part='holdout')``: the selection split
  (``salt`` optional, default ``'baa_mm'``);
* ``dict(ids_file='splits/select.txt', mode='keep' | 'exclude')``: the rows
  whose ids are (not) in the file. Every listed id must be in the table:
  an id list that names unknown ids is an error, never a silent no-op.
"""
import hashlib
import os.path as osp
from typing import Iterable, List, Optional, Sequence, Set, Tuple

__all__ = [
    'IdSubsetError', 'id_hash_fraction', 'in_holdout', 'carve_holdout',
    'read_id_list', 'write_id_list', 'check_id_subset', 'select_ids'
]

DEFAULT_SALT = 'baa_mm'


class IdSubsetError(ValueError):
    """A malformed subset option or id list (the message names the file)."""


def id_hash_fraction(img_id: str, salt: str = DEFAULT_SALT) -> float:
    """Map an id to a number in [0, 1), the same on every machine.

    Args:
        img_id (str): Image id as in the label table (compared as text).
        salt (str): Changes the split without changing the ids.

    Returns:
        float: The first 8 bytes of ``sha1(f'{salt}:{img_id}')`` / 2**64.
    """
    digest = hashlib.sha1(f'{salt}:{img_id}'.encode('utf-8')).digest()
    return int.from_bytes(digest[:8], 'big') / 2.0**64


def in_holdout(img_id: str, fraction: float,
               salt: str = DEFAULT_SALT) -> bool:
    """Whether ``img_id`` falls in a holdout of the given fraction."""
    return id_hash_fraction(img_id, salt) < fraction


def carve_holdout(ids: Iterable[str], fraction: float,
                  salt: str = DEFAULT_SALT) -> Tuple[List[str], List[str]]:
    """Split ids into (rest, holdout), keeping their order.

    Args:
        ids (Iterable[str]): Image ids.
        fraction (float): Expected share of the holdout, in (0, 1).
        salt (str): Hash salt.

    Returns:
        tuple[list[str], list[str]]: The ids outside and inside the holdout.
    """
    _check_fraction(fraction)
    rest, holdout = [], []
    for img_id in ids:
        (holdout if in_holdout(img_id, fraction, salt) else rest).append(
            img_id)
    return rest, holdout


def read_id_list(path: str) -> List[str]:
    """Read an id list: one id per line; blank lines and ``#`` comments
    are ignored.

    Raises:
        IdSubsetError: The file is missing, empty or repeats an id (the
            message names the file and line).
    """
    if not osp.isfile(path):
        raise IdSubsetError(f'id list not found: {path}')
    ids, seen = [], {}
    with open(path, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            img_id = line.split('#', 1)[0].strip()
            if not img_id:
                continue
            if img_id in seen:
                raise IdSubsetError(
                    f'{path}, line {line_no}: duplicate id {img_id!r} '
                    f'(first on line {seen[img_id]})')
            seen[img_id] = line_no
            ids.append(img_id)
    if not ids:
        raise IdSubsetError(f'{path}: no ids')
    return ids


def write_id_list(path: str, ids: Sequence[str],
                  header: Optional[str] = None) -> None:
    """Write ids one per line, after an optional ``#`` header."""
    with open(path, 'w', encoding='utf-8') as f:
        if header:
            for line in header.splitlines():
                f.write(f'# {line}\n')
        for img_id in ids:
            f.write(f'{img_id}\n')


def check_id_subset(subset: Optional[dict]) -> Optional[dict]:
    """Validate an ``id_subset`` option and fill its defaults.

    Returns:
        dict | None: ``dict(holdout, part, salt)`` or
        ``dict(ids_file, mode)``; None when ``subset`` is None.

    Raises:
        IdSubsetError: Unknown keys, both or neither of ``holdout`` and
            ``ids_file``, or a bad ``part``/``mode``/fraction.
    """
    if subset is None:
        return None
    subset = dict(subset)
    if ('holdout' in subset) == ('ids_file' in subset):
        raise IdSubsetError(
            'id_subset needs exactly one of holdout=<fraction> (with part='
            f"'rest' | 'holdout') and ids_file=<path>, got {subset}")
    if 'holdout' in subset:
        allowed = {'holdout', 'part', 'salt'}
        subset.setdefault('salt', DEFAULT_SALT)
        _check_fraction(subset['holdout'])
        if subset.get('part') not in ('rest', 'holdout'):
            raise IdSubsetError("id_subset part must be 'rest' or "
                                f"'holdout', got {subset.get('part')!r}")
    else:
        allowed = {'ids_file', 'mode'}
        if subset.get('mode') not in ('keep', 'exclude'):
            raise IdSubsetError("id_subset mode must be 'keep' or "
                                f"'exclude', got {subset.get('mode')!r}")
    unknown = set(subset) - allowed
    if unknown:
        raise IdSubsetError(f'id_subset: unknown keys {sorted(unknown)} '
                            f'(allowed: {sorted(allowed)})')
    return subset


def select_ids(ids: Sequence[str], subset: dict) -> Set[str]:
    """The ids of ``ids`` that a checked ``id_subset`` option keeps.

    Args:
        ids (Sequence[str]): Every id of the table.
        subset (dict): Output of :func:`check_id_subset`.

    Returns:
        set[str]: The kept ids.

    Raises:
        IdSubsetError: An id list names ids that are not in ``ids`` (the
            message gives the file, the count and the first few).
    """
    if 'holdout' in subset:
        rest, holdout = carve_holdout(ids, subset['holdout'], subset['salt'])
        return set(holdout if subset['part'] == 'holdout' else rest)
    listed = read_id_list(subset['ids_file'])
    known = set(ids)
    unknown = [i for i in listed if i not in known]
    if unknown:
        raise IdSubsetError(
            f"{subset['ids_file']}: {len(unknown)} listed ids are not in the "
            f'label table, e.g. {unknown[:5]}')
    listed = set(listed)
    if subset['mode'] == 'keep':
        return listed
    return known - listed


def _check_fraction(fraction: float) -> None:
    if not isinstance(fraction, (int, float)) or not 0 < fraction < 1:
        raise IdSubsetError(
            f'holdout fraction must be in (0, 1), got {fraction!r}')
