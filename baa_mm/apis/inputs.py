"""What an inference run is pointed at → one record per radiograph.

:func:`collect_inputs` expands what a user gives :class:`BoneAgeInferencer`
or ``tools/infer.py`` into :class:`InferenceInput` records, one per image:

- an image file (PNG, JPEG, TIFF, BMP, DICOM with or without ``.dcm``);
- a folder, searched recursively for files with an image suffix or with no
  suffix (DICOM exports often have none); the other files are listed in
  :attr:`InputCollection.ignored`, never dropped unseen;
- a glob pattern (``scans/**/*.dcm``);
- a CSV listing images: a path column (``path``, ``file``, ``image`` or
  ``img_path``; relative paths are relative to the CSV's folder) and
  optional ``sex`` and chronological-age (``chrono_age``, ``age``,
  ``chronological_age``, in the model's unit) columns;
- an (H, W) array.

A path that does not exist still gets a record: the inferencer turns it
into an ``error`` row, so a run over a thousand files reports every one.
Malformed CSVs (no path column, an unreadable sex or age) raise a
``ValueError`` naming the file, row and field before anything runs.
"""
import csv
import glob
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Union

import numpy as np

from baa_mm.datasets.dicom_meta import read_dicom_meta
from baa_mm.datasets.label_file import parse_sex

__all__ = [
    'IMAGE_SUFFIXES', 'InferenceInput', 'InputCollection', 'collect_inputs',
    'apply_overrides', 'fill_from_dicom'
]

#: Suffixes a folder search takes as images (lower case); files without a
#: suffix are taken too (DICOM).
IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.dcm',
                  '.dicom')

_PATH_COLUMNS = ('path', 'file', 'image', 'img_path')
_SEX_COLUMNS = ('sex', 'gender', 'male')
_AGE_COLUMNS = ('chrono_age', 'chronological_age', 'age')

InputType = Union[str, np.ndarray]


@dataclass
class InferenceInput:
    """One radiograph to run.

    Attributes:
        source (str): The path, or ``<array i>`` for an array.
        array (np.ndarray, optional): The (H, W) image when given as an
            array.
        sex (int, optional): 1 male, 0 female, None unknown.
        sex_source (str, optional): Where ``sex`` came from (``argument``,
            ``csv``; the inferencer adds ``dicom``).
        chrono_age (float, optional): Chronological age in the model's
            unit.
        age_source (str, optional): Where ``chrono_age`` came from.
    """
    source: str
    array: Optional[np.ndarray] = None
    sex: Optional[int] = None
    sex_source: Optional[str] = None
    chrono_age: Optional[float] = None
    age_source: Optional[str] = None

    @property
    def is_file(self) -> bool:
        return self.array is None


@dataclass
class InputCollection:
    """The records of a run and the files a folder search passed over.

    Attributes:
        inputs (list[InferenceInput]): One per image, in the order given
            (folders and globs sorted).
        ignored (list[str]): Files inside searched folders without an image
            suffix.
    """
    inputs: List[InferenceInput] = field(default_factory=list)
    ignored: List[str] = field(default_factory=list)


def _is_image_name(path: str) -> bool:
    suffix = osp.splitext(path)[1].lower()
    return suffix == '' or suffix in IMAGE_SUFFIXES


def _search_folder(folder: str, out: InputCollection) -> None:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.startswith('.'):
                continue
            path = osp.join(root, name)
            if _is_image_name(name):
                out.inputs.append(InferenceInput(path))
            else:
                out.ignored.append(path)


def _sex_or_raise(value, what: str, where: str = '') -> int:
    """1 / 0 from a sex value, or ``ValueError('{what} {value!r}{where};
    use ...')``."""
    sex = parse_sex(value)
    if sex is None:
        raise ValueError(f'{what} {value!r}{where}; use M/F, male/female or '
                         '1/0')
    return sex


def _column(fields: Sequence[str], names: Sequence[str]) -> Optional[str]:
    lowered = {f.strip().lower(): f for f in fields if f}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def read_input_csv(path: str) -> List[InferenceInput]:
    """Read a CSV that lists images (see the module docstring).

    Args:
        path (str): The CSV file.

    Returns:
        list[InferenceInput]: One per row, in file order.

    Raises:
        ValueError: No path column, an empty path, or a sex / age value
            that cannot be read (the message names the file, row and
            column).
    """
    base = osp.dirname(osp.abspath(path))
    with open(path, newline='', encoding='utf-8-sig') as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        path_col = _column(fields, _PATH_COLUMNS)
        if path_col is None:
            raise ValueError(f'{path}: no image path column; expected one of '
                             f'{list(_PATH_COLUMNS)}, found {fields}')
        sex_col = _column(fields, _SEX_COLUMNS)
        age_col = _column(fields, _AGE_COLUMNS)
        records = []
        for line, row in enumerate(reader, start=2):
            where = f'{path}, row {line}'
            img = (row.get(path_col) or '').strip()
            if not img:
                raise ValueError(f'{where}: empty {path_col!r}')
            rec = InferenceInput(img if osp.isabs(img) else
                                 osp.join(base, img))
            sex_text = (row.get(sex_col) or '').strip() if sex_col else ''
            if sex_text:
                rec.sex = _sex_or_raise(sex_text,
                                        f'{where}: unknown {sex_col!r} value')
                rec.sex_source = 'csv'
            age_text = (row.get(age_col) or '').strip() if age_col else ''
            if age_text:
                try:
                    rec.chrono_age = float(age_text)
                except ValueError:
                    raise ValueError(f'{where}: {age_col!r} is not a number: '
                                     f'{age_text!r}') from None
                if not np.isfinite(rec.chrono_age) or rec.chrono_age < 0:
                    raise ValueError(f'{where}: {age_col!r} must be a '
                                     f'non-negative number, got {age_text!r}')
                rec.age_source = 'csv'
            records.append(rec)
    return records


def _expand(item: InputType, index: int, out: InputCollection) -> None:
    if isinstance(item, np.ndarray):
        out.inputs.append(InferenceInput(f'<array {index}>', array=item))
        return
    if not isinstance(item, (str, os.PathLike)):
        raise TypeError(f'input {index}: expected a path, folder, glob, CSV '
                        f'or array, got {type(item).__name__}')
    item = os.fspath(item)
    if osp.isdir(item):
        _search_folder(item, out)
    elif osp.isfile(item) and item.lower().endswith('.csv'):
        out.inputs.extend(read_input_csv(item))
    elif not osp.exists(item) and glob.has_magic(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            raise ValueError(f'input {index}: the pattern {item!r} matches '
                             'no file')
        for path in matches:
            _expand(path, index, out)
    else:  # a file, or a missing one: the inferencer reports it
        out.inputs.append(InferenceInput(item))


def collect_inputs(inputs: Union[InputType, Sequence[InputType]]
                   ) -> InputCollection:
    """Expand files, folders, globs, CSVs and arrays into records.

    Args:
        inputs: One input or a list of them (see the module docstring).

    Returns:
        InputCollection: The records and the files folder searches passed
        over.
    """
    if isinstance(inputs, (str, os.PathLike, np.ndarray)):
        inputs = [inputs]
    out = InputCollection()
    for i, item in enumerate(inputs):
        _expand(item, i, out)
    return out


def apply_overrides(records: List[InferenceInput], sex=None,
                    chrono_age=None) -> List[InferenceInput]:
    """Set sex / chronological age from arguments (in place).

    Arguments override CSV columns (and, later, DICOM headers).

    Args:
        records (list[InferenceInput]): From :func:`collect_inputs`.
        sex: None, one value for all (M/F, male/female, 1/0) or one per
            record (None entries keep what the record has).
        chrono_age: Likewise, in the model's unit.

    Returns:
        list[InferenceInput]: ``records``.

    Raises:
        ValueError: A list of the wrong length or an unknown sex.
    """
    for name, value in (('sex', sex), ('chrono_age', chrono_age)):
        if value is None:
            continue
        values = list(value) if isinstance(value, (list, tuple)) else \
            [value] * len(records)
        if len(values) != len(records):
            raise ValueError(f'{len(values)} {name} values for '
                             f'{len(records)} inputs; give one for all '
                             'or one per input')
        for rec, val in zip(records, values):
            if val is None:
                continue
            if name == 'sex':
                rec.sex = _sex_or_raise(val, 'unknown sex',
                                        f' for {rec.source}')
                rec.sex_source = 'argument'
            else:
                rec.chrono_age = float(val)
                rec.age_source = 'argument'
    return records


def fill_from_dicom(rec: InferenceInput, unit: str = 'months') -> List[str]:
    """Fill a DICOM record's missing sex / age from its header (in place).

    Args:
        rec (InferenceInput): A record whose file is DICOM; values it has
            (from arguments or a CSV) are kept.
        unit (str): The model's unit ('months' or 'years').

    Returns:
        list[str]: Flags for the row (malformed or conflicting tags; an
        unreadable header), never an exception: the pixels may still
        decode.
    """
    try:
        meta = read_dicom_meta(rec.source)
    except Exception as e:
        return [f'dicom header unreadable: {e}']
    if rec.sex is None and meta.sex is not None:
        rec.sex, rec.sex_source = meta.sex, f'dicom {meta.sex_source}'
    if rec.chrono_age is None and meta.chrono_age_months is not None:
        months = meta.chrono_age_months
        rec.chrono_age = months / 12. if unit == 'years' else months
        rec.age_source = f'dicom {meta.age_source}'
    return [f'dicom: {w}' for w in meta.warnings]
