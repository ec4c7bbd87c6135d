"""Sex and chronological age from DICOM headers."""
from datetime import date

import numpy as np
import pydicom
import pytest

from baa_mm.datasets import (DicomMeta, parse_dicom_age, parse_dicom_date,
                             read_dicom_meta)
from baa_mm.datasets.dicom_meta import DAYS_PER_MONTH
from dicom_files import write_dicom  # tests/ helper

PIXELS = np.zeros((4, 4), np.uint16)


def _meta(tmp_path, name='a.dcm', **header) -> DicomMeta:
    path = write_dicom(tmp_path / name, PIXELS, header=header)
    return read_dicom_meta(path)


def _months(birth: date, ref: date) -> float:
    return (ref - birth).days / DAYS_PER_MONTH


def test_parse_dicom_date():
    assert parse_dicom_date('20100102') == date(2010, 1, 2)
    assert parse_dicom_date(' 20100102 ') == date(2010, 1, 2)
    assert parse_dicom_date('2010.01.02') == date(2010, 1, 2)  # retired
    assert parse_dicom_date(date(2010, 1, 2)) == date(2010, 1, 2)
    for bad in ('2010-01-02', '20101302', '20100230', '201001', '',
                '2010.0102', 'yesterday'):
        with pytest.raises(ValueError):
            parse_dicom_date(bad)


def test_parse_dicom_age():
    assert parse_dicom_age('011Y') == 132.
    assert parse_dicom_age('132M') == 132.
    assert parse_dicom_age('006W') == pytest.approx(42 / DAYS_PER_MONTH)
    assert parse_dicom_age('010D') == pytest.approx(10 / DAYS_PER_MONTH)
    assert parse_dicom_age('11y') == 132.  # lenient: digits, case
    for bad in ('11', 'Y', '0011Y', '11.5Y', '011X', '', '-11Y'):
        with pytest.raises(ValueError):
            parse_dicom_age(bad)


def test_birth_and_study_date(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='20100315', StudyDate='20211001')
    assert m.chrono_age_months == pytest.approx(
        _months(date(2010, 3, 15), date(2021, 10, 1)))
    assert m.age_source == 'PatientBirthDate+StudyDate'
    assert m.warnings == []


def test_reference_date_fallback_order(tmp_path):
    # no StudyDate: the first present of Acquisition/Series/Content date
    m = _meta(tmp_path, PatientBirthDate='20100101', SeriesDate='20200101',
              ContentDate='20300101')
    assert m.age_source == 'PatientBirthDate+SeriesDate'
    assert m.chrono_age_months == pytest.approx(120, abs=0.1)
    # a malformed StudyDate is reported and the next date is used
    m = _meta(tmp_path, PatientBirthDate='20100101', StudyDate='2020-01-01',
              AcquisitionDate='20200101')
    assert m.age_source == 'PatientBirthDate+AcquisitionDate'
    assert any('StudyDate' in w for w in m.warnings)


@pytest.mark.parametrize('age, months', [
    ('011Y', 132.), ('132M', 132.), ('006W', 42 / DAYS_PER_MONTH),
    ('010D', 10 / DAYS_PER_MONTH)
])
def test_only_patient_age(tmp_path, age, months):
    m = _meta(tmp_path, PatientAge=age)
    assert m.chrono_age_months == pytest.approx(months)
    assert m.age_source == 'PatientAge'
    assert m.warnings == []


def test_dates_win_over_patient_age(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='20100315', StudyDate='20211001',
              PatientAge='011Y')
    assert m.age_source == 'PatientBirthDate+StudyDate'
    assert m.chrono_age_months == pytest.approx(
        _months(date(2010, 3, 15), date(2021, 10, 1)))
    assert m.warnings == []  # 11.5 years is consistent with '011Y'
    # a conflicting PatientAge is reported, the dates still win
    m = _meta(tmp_path, PatientBirthDate='20100315', StudyDate='20211001',
              PatientAge='005Y')
    assert m.age_source == 'PatientBirthDate+StudyDate'
    assert any('disagrees' in w for w in m.warnings)


@pytest.mark.parametrize('value, sex, source', [
    ('M', 1, 'PatientSex'), ('F', 0, 'PatientSex'), ('O', None, None),
    ('', None, None), (None, None, None)
])
def test_sex(tmp_path, value, sex, source):
    header = {} if value is None else dict(PatientSex=value)
    m = _meta(tmp_path, **header)
    assert m.sex == sex and m.sex_source == source
    assert m.warnings == []
    assert m.chrono_age_months is None and m.age_source is None


def test_non_standard_sex_is_reported(tmp_path):
    m = _meta(tmp_path, PatientSex='FEMALE')
    assert m.sex == 0 and any('non-standard' in w for w in m.warnings)
    m = _meta(tmp_path, PatientSex='X')
    assert m.sex is None and any("'X'" in w for w in m.warnings)


def test_malformed_date_warns(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='2010-03-15', StudyDate='20211001')
    assert m.chrono_age_months is None and m.age_source is None
    assert len(m.warnings) == 1
    assert 'PatientBirthDate' in m.warnings[0]
    assert "'2010-03-15'" in m.warnings[0]
    assert m.warnings[0].startswith(str(tmp_path / 'a.dcm'))
    # the PatientAge fallback still works
    m = _meta(tmp_path, PatientBirthDate='20101345', StudyDate='20211001',
              PatientAge='011Y')
    assert m.chrono_age_months == 132. and m.age_source == 'PatientAge'
    assert any('PatientBirthDate' in w for w in m.warnings)


def test_malformed_patient_age_warns(tmp_path):
    m = _meta(tmp_path, PatientAge='eleven')
    assert m.chrono_age_months is None
    assert any('PatientAge' in w and 'eleven' in w for w in m.warnings)


def test_future_birth_date_warns(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='20250101', StudyDate='20200101')
    assert m.chrono_age_months is None and m.age_source is None
    assert any('negative age' in w for w in m.warnings)


def test_implausible_age_warns(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='18500101', StudyDate='20200101')
    assert m.chrono_age_months is None
    assert any('implausible' in w for w in m.warnings)
    m = _meta(tmp_path, PatientAge='150Y')
    assert m.chrono_age_months is None
    assert any('implausible' in w for w in m.warnings)


def test_birth_date_without_reference_date_warns(tmp_path):
    m = _meta(tmp_path, PatientBirthDate='20100101')
    assert m.chrono_age_months is None
    assert any('StudyDate' in w for w in m.warnings)


def test_bytes_and_dataset_sources(tmp_path):
    path = write_dicom(tmp_path / 'a.dcm', PIXELS,
                       header=dict(PatientSex='M', PatientAge='010Y'))
    data = open(path, 'rb').read()
    for source in (data, pydicom.dcmread(path)):
        m = read_dicom_meta(source)
        assert (m.sex, m.chrono_age_months) == (1, 120.)


def test_header_only(tmp_path, monkeypatch):
    path = write_dicom(tmp_path / 'a.dcm', PIXELS, header=dict(PatientSex='F'))
    calls = []
    real = pydicom.dcmread

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pydicom, 'dcmread', spy)
    assert read_dicom_meta(path).sex == 0
    assert calls and all(c.get('stop_before_pixels') for c in calls)


def test_non_dicom_raises_naming_file(tmp_path):
    with pytest.raises(ValueError, match='scan.png'):
        read_dicom_meta(b'\x89PNG\r\n\x1a\n' + bytes(200), name='scan.png')
    p = tmp_path / 'notes.txt'
    p.write_text('hello, this is not a DICOM file at all\n' * 5)
    with pytest.raises(ValueError, match='notes.txt'):
        read_dicom_meta(str(p))
