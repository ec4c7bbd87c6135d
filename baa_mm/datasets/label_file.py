"""Reading bone-age label tables, CSV or XLSX (no mmengine here).

The three RSNA layouts are recognised by column *aliases* (case- and
space-insensitive), so hospital exports with similar headers work too:

============  ===============================================
field         accepted headers
============  ===============================================
id            ``id``, ``Image ID``, ``Case ID``, ``image_id``
age           ``boneage``, ``Bone Age (months)``, ``Ground truth bone age (months)``, ``bone_age``, ``age``
sex           ``male``, ``Sex``, ``gender``
============  ===============================================

Headers are compared lower-case without spaces, brackets, ``-`` and ``_``.
Sex values: ``True/False``, ``M/F``, ``male/female``, ``1/0`` in any case;
``male`` columns hold "is male", ``sex``/``gender`` columns M/F (1/0 read as
male/female for both).
"""
import csv
import math
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

__all__ = ['LabelRow', 'LabelFileError', 'read_label_file', 'parse_sex',
           'COLUMN_ALIASES']


class LabelFileError(ValueError):
    """A label file or one of its rows is invalid (message names both)."""


COLUMN_ALIASES: Dict[str, Sequence[str]] = {
    'id': ('id', 'imageid', 'caseid'),
    'age': ('boneage', 'boneagemonths', 'groundtruthboneagemonths', 'age',
            'boneageyears', 'ageyears', 'agemonths'),
    'sex': ('male', 'sex', 'gender'),
}

_TRUE = {'true', 'm', 'male', '1', 'yes', 't', 'y'}
_FALSE = {'false', 'f', 'female', '0', 'no', 'n'}


def _norm(header: str) -> str:
    """Lower-case a header and drop spaces, brackets, '-' and '_'."""
    return re.sub(r'[\s()\-_]', '', header.strip().lower().lstrip('\ufeff'))


def parse_sex(value: str) -> Optional[int]:
    """Parse a sex cell to 1 (male) / 0 (female); None if not recognised.

    Note ``'F'`` means female here, never "False": in a ``male`` column the
    RSNA files use ``True``/``False`` in full.
    """
    v = str(value).strip().lower()
    if v.endswith('.0'):  # 1.0 / 0.0 from spreadsheets
        v = v[:-2]
    if v in _TRUE:
        return 1
    if v in _FALSE:
        return 0
    return None


@dataclass
class LabelRow:
    """One parsed row.

    ``line`` is the 1-based line (spreadsheet row) in the file; ``sex_text``
    the unparsed sex cell, or None when the table has no sex column.
    """
    img_id: str
    age: Optional[float]
    sex: Optional[int]
    line: int
    sex_text: Optional[str] = None


def _match_columns(fieldnames: List[str], path: str, require_sex: bool,
                   require_age: bool = True) -> Dict[str, Optional[str]]:
    normed = {_norm(f): f for f in fieldnames if f is not None}
    found: Dict[str, Optional[str]] = {}
    for key, aliases in COLUMN_ALIASES.items():
        found[key] = next((normed[a] for a in aliases if a in normed), None)
    need = ['id'] + (['age'] if require_age else []) + \
        (['sex'] if require_sex else [])
    missing = [k for k in need if found[k] is None]
    if missing:
        raise LabelFileError(
            f'{path}: cannot find the {"/".join(missing)} column(s) in the '
            f'header {fieldnames}; accepted names: '
            + '; '.join(f'{k}: {list(COLUMN_ALIASES[k])}' for k in missing))
    return found


def _iter_csv(path: str) -> Iterator[Tuple[int, dict]]:
    with open(path, newline='', encoding='utf-8-sig') as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames:
            raise LabelFileError(f'{path}: empty label file (no header)')
        yield 0, list(reader.fieldnames)
        for rec in reader:
            yield reader.line_num, rec


def _iter_xlsx(path: str) -> Iterator[Tuple[int, dict]]:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zipfile/openpyxl raise many types
        raise LabelFileError(f'{path}: not a readable .xlsx file ({e})') from e
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header or all(c is None for c in header):
            raise LabelFileError(f'{path}: empty label file (no header)')
        names = ['' if c is None else str(c) for c in header]
        yield 0, names
        for line, row in enumerate(rows, start=2):
            if row is None or all(c is None for c in row):
                continue  # trailing blank rows of spreadsheets
            cells = ['' if c is None else str(c) for c in row]
            yield line, dict(zip(names, cells))
    finally:
        wb.close()


def read_label_file(path: str,
                    require_sex: bool = True,
                    require_age: bool = True) -> List[LabelRow]:
    """Read a CSV or XLSX label table into :class:`LabelRow` objects.

    Cells are parsed but *not* range-checked here (the dataset does that,
    with its own limits).  An unparsable age or sex cell is kept as ``None``
    together with its line so the caller can report it.  For ``.xlsx`` the
    first worksheet is read and ``line`` is the spreadsheet row number.

    Args:
        path (str): ``.csv`` or ``.xlsx`` file.
        require_sex (bool): Raise if the table has no sex column.
        require_age (bool): Raise if the table has no age column (False:
            read ids of tables without ages, e.g. the Kaggle mirror's test
            list; every ``age`` is then None).

    Returns:
        list[LabelRow]: One per data row, in file order.

    Raises:
        FileNotFoundError: The file does not exist.
        LabelFileError: Empty file or missing columns (names the file).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'label file not found: {path}')
    if osp.getsize(path) == 0:
        raise LabelFileError(f'{path}: empty label file (no header)')
    ext = osp.splitext(path)[1].lower()
    if ext in ('.xlsx', '.xlsm'):
        records = _iter_xlsx(path)
    elif ext in ('.csv', '.txt', '.tsv', ''):
        records = _iter_csv(path)
    else:
        raise LabelFileError(f'{path}: unsupported label file type {ext!r} '
                             '(use .csv or .xlsx)')
    try:
        _, fieldnames = next(records)
        cols = _match_columns(fieldnames, path, require_sex, require_age)
        rows = [_parse_record(rec, line, cols) for line, rec in records]
    except UnicodeDecodeError as e:
        raise LabelFileError(f'{path}: not a text (UTF-8) CSV file ({e})') \
            from e
    except csv.Error as e:
        raise LabelFileError(f'{path}: malformed CSV ({e})') from e
    return rows


def _parse_record(rec: dict, line: int, cols: dict) -> LabelRow:
    """One table record → :class:`LabelRow` (cells parsed, not checked)."""
    img_id = (rec.get(cols['id']) or '').strip()
    if img_id.endswith('.0'):  # ids read as floats by spreadsheets
        img_id = img_id[:-2]
    age_txt = (rec.get(cols['age']) or '').strip() \
        if cols['age'] is not None else ''
    try:
        age = float(age_txt)
        if math.isnan(age) or math.isinf(age):
            age = None
    except ValueError:
        age = None
    sex, sex_text = None, None
    if cols['sex'] is not None:
        sex_text = (rec.get(cols['sex']) or '').strip()
        sex = parse_sex(sex_text)
    return LabelRow(img_id, age, sex, line, sex_text)
