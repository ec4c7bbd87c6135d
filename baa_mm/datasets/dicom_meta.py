"""Sex and chronological age from a DICOM header (pure pydicom, no pixels).

Only the header is read (``stop_before_pixels=True``):

- **sex** from ``PatientSex``: ``M`` → 1 (male), ``F`` → 0 (female), ``O`` or
  empty → None (the convention of :func:`~baa_mm.datasets.parse_sex`).
- **chronological age** in months, from ``PatientBirthDate`` and the first
  valid date of ``StudyDate``, ``AcquisitionDate``, ``SeriesDate``,
  ``ContentDate`` (days / (365.25 / 12)); if that is impossible, from
  ``PatientAge`` (``011Y``, ``132M``, ``006W``, ``010D``). Dates win when
  both are present (``PatientAge`` is rounded down to whole units).

Malformed or implausible values (negative ages, over 130 years) never
raise: they give None and a message in :attr:`DicomMeta.warnings`.
"""
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from typing import Any, List, Optional, Tuple, Union

import pydicom
from pydicom.dataset import Dataset

from .image_io import is_dicom
from .label_file import parse_sex

__all__ = [
    'DicomMeta', 'read_dicom_meta', 'parse_dicom_date', 'parse_dicom_age',
    'DAYS_PER_MONTH', 'REFERENCE_DATE_TAGS'
]

DAYS_PER_MONTH = 365.25 / 12
MAX_AGE_MONTHS = 130 * 12
#: Dates the age is measured at, first valid one wins.
REFERENCE_DATE_TAGS = ('StudyDate', 'AcquisitionDate', 'SeriesDate',
                       'ContentDate')
# months per unit of an AS value; and one unit, the rounding of PatientAge
_AS_UNITS = {'D': 1 / DAYS_PER_MONTH, 'W': 7 / DAYS_PER_MONTH, 'M': 1.,
             'Y': 12.}


@dataclass
class DicomMeta:
    """Patient data read from one DICOM header.

    Attributes:
        sex (int | None): 1 male, 0 female, None unknown.
        chrono_age_months (float | None): Age at the examination in months.
        age_source (str | None): Where the age came from, e.g.
            ``'PatientBirthDate+StudyDate'`` or ``'PatientAge'``.
        sex_source (str | None): ``'PatientSex'`` when ``sex`` is known.
        warnings (list[str]): Malformed, implausible or conflicting values.
    """
    sex: Optional[int] = None
    chrono_age_months: Optional[float] = None
    age_source: Optional[str] = None
    sex_source: Optional[str] = None
    warnings: List[str] = field(default_factory=list)


def parse_dicom_date(value: Any) -> date:
    """Parse a DICOM DA value (``YYYYMMDD``; retired ``YYYY.MM.DD`` too).

    Args:
        value (str | datetime.date): The element value.

    Returns:
        datetime.date: The date.

    Raises:
        ValueError: Not a valid DA date.
    """
    if isinstance(value, date):  # pydicom DA with datetime_conversion
        return date(value.year, value.month, value.day)
    text = str(value).strip()
    m = re.fullmatch(r'(\d{4})\.?(\d{2})\.?(\d{2})', text)
    if m is None or (('.' in text) and text.count('.') != 2):
        raise ValueError(f'not a DICOM date (YYYYMMDD): {text!r}')
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError as e:
        raise ValueError(f'invalid DICOM date {text!r}: {e}') from None


def parse_dicom_age(value: Any) -> float:
    """Parse a DICOM AS value (``nnnD``, ``nnnW``, ``nnnM``, ``nnnY``).

    One or two digits (``11Y``) and lower-case units are accepted too.

    Args:
        value (str): The element value, e.g. ``'011Y'``.

    Returns:
        float: The age in months (days / (365.25 / 12), weeks as 7 days).

    Raises:
        ValueError: Not a valid AS age string.
    """
    text = str(value).strip()
    m = re.fullmatch(r'(\d{1,3})([DWMY])', text.upper())
    if m is None:
        raise ValueError(f'not a DICOM age string (nnnD/W/M/Y): {text!r}')
    return int(m.group(1)) * _AS_UNITS[m.group(2)]


def _text(ds: Dataset, keyword: str, meta: DicomMeta) -> Optional[str]:
    """A single-valued element as stripped text; None if absent or empty."""
    try:
        value = ds.get(keyword)
    except Exception as e:  # undecodable raw element
        meta.warnings.append(f'{keyword}: unreadable ({e})')
        return None
    if value is None:
        return None
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        meta.warnings.append(f'{keyword}: multiple values {list(value)!r}; '
                             'using the first')
        value = value[0] if len(value) else ''
    if isinstance(value, date):
        return value.strftime('%Y%m%d')
    text = str(value).strip()
    return text or None


def _check_age(months: float, source: str, meta: DicomMeta) -> bool:
    """True if plausible; otherwise a warning is added."""
    if months < 0:
        meta.warnings.append(f'{source}: negative age {months:.1f} months '
                             '(birth date after the examination)')
        return False
    if months > MAX_AGE_MONTHS:
        meta.warnings.append(f'{source}: implausible age {months / 12:.1f} '
                             'years (over 130)')
        return False
    return True


def _read_sex(ds: Dataset, meta: DicomMeta) -> None:
    text = _text(ds, 'PatientSex', meta)
    if text is None or text.upper() == 'O':
        return
    if text.upper() in ('M', 'F'):
        meta.sex = 1 if text.upper() == 'M' else 0
    else:
        meta.sex = parse_sex(text)  # e.g. 'MALE' from non-standard exports
        read_as = {1: 'read as male', 0: 'read as female',
                   None: 'not recognised, sex unknown'}[meta.sex]
        meta.warnings.append(f'PatientSex: non-standard value {text!r} '
                             f'(expected M/F/O) {read_as}')
    if meta.sex is not None:
        meta.sex_source = 'PatientSex'


def _age_from_dates(ds: Dataset,
                    meta: DicomMeta) -> Optional[Tuple[float, str]]:
    birth_text = _text(ds, 'PatientBirthDate', meta)
    if birth_text is None:
        return None
    try:
        birth = parse_dicom_date(birth_text)
    except ValueError as e:
        meta.warnings.append(f'PatientBirthDate: {e}')
        return None
    for tag in REFERENCE_DATE_TAGS:
        text = _text(ds, tag, meta)
        if text is None:
            continue
        try:
            ref = parse_dicom_date(text)
        except ValueError as e:
            meta.warnings.append(f'{tag}: {e}')
            continue
        source = f'PatientBirthDate+{tag}'
        months = (ref - birth).days / DAYS_PER_MONTH
        return (months, source) if _check_age(months, source, meta) else None
    meta.warnings.append('PatientBirthDate given but no valid ' +
                         '/'.join(REFERENCE_DATE_TAGS) + ' to measure from')
    return None


def _age_from_as(ds: Dataset,
                 meta: DicomMeta) -> Optional[Tuple[float, str]]:
    text = _text(ds, 'PatientAge', meta)
    if text is None:
        return None
    try:
        months = parse_dicom_age(text)
    except ValueError as e:
        meta.warnings.append(f'PatientAge: {e}')
        return None
    return (months, text) if _check_age(months, 'PatientAge', meta) \
        else None


def _load(source: Union[str, bytes], name: str) -> Dataset:
    if isinstance(source, str):
        with open(source, 'rb') as f:
            data = f.read()
    else:
        data = bytes(source)
    part10 = is_dicom(data)
    try:
        ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True,
                             force=not part10)
    except Exception as e:  # pydicom raises many types
        raise ValueError(f'{name}: not a readable DICOM file ({e})') from e
    # force=True parses almost anything; insist on some patient/study data
    if not part10 and not any(0x0008 <= tag.group <= 0x0020
                              for tag in ds.keys()):
        raise ValueError(f'{name}: not a DICOM file (no DICM preamble and '
                         'no patient/study elements)')
    return ds


def read_dicom_meta(source: Union[str, bytes, Dataset],
                    name: Optional[str] = None) -> DicomMeta:
    """Read sex and chronological age from a DICOM header.

    Args:
        source (str | bytes | pydicom.Dataset): A file path, the file's bytes
            or an already read dataset. Pixel data is never decoded.
        name (str, optional): Name used in errors and warnings; defaults to
            the path, ``'<bytes>'`` or ``'<dataset>'``.

    Returns:
        DicomMeta: Sex, age in months, their sources and warnings.

    Raises:
        ValueError: ``source`` is not a DICOM file (message names it).
        OSError: The file cannot be opened.
    """
    if name is None:
        name = source if isinstance(source, str) else (
            '<dataset>' if isinstance(source, Dataset) else '<bytes>')
    meta = DicomMeta()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ds = source if isinstance(source, Dataset) else _load(source, name)
        _read_sex(ds, meta)
        by_dates = _age_from_dates(ds, meta)
        by_as = _age_from_as(ds, meta)
    if by_dates is not None:
        meta.chrono_age_months, meta.age_source = by_dates
        if by_as is not None:
            (as_months, as_text), unit = by_as, _AS_UNITS[by_as[1][-1].upper()]
            # PatientAge is the age rounded down to whole units
            if not -1 <= by_dates[0] - as_months <= unit + 1:
                meta.warnings.append(
                    f'PatientAge {as_text!r} ({as_months:.1f} months) '
                    f'disagrees with {by_dates[1]} ({by_dates[0]:.1f} '
                    'months); using the dates')
    elif by_as is not None:
        meta.chrono_age_months, meta.age_source = by_as[0], 'PatientAge'
    # pydicom's own complaints; invalid-VR ones are reported above already
    meta.warnings.extend(f'pydicom: {w.message}' for w in caught
                         if not str(w.message).startswith('Invalid value'))
    meta.warnings = [f'{name}: {w}' for w in meta.warnings]
    return meta
