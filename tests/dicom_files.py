"""Minimal uncompressed DICOM files for tests (CR, uint16 pixels)."""
import os
import os.path as osp
import warnings
from typing import Any, Dict, Optional

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

__all__ = ['write_dicom']


def write_dicom(path, pixels: np.ndarray, photometric='MONOCHROME2',
                slope=None, intercept=None, window=None, voi_lut=None,
                frames=1, header: Optional[Dict[str, Any]] = None) -> str:
    """Write a minimal uncompressed DICOM file (uint16 pixels).

    ``header`` sets extra elements by keyword (e.g. ``PatientSex='F'``,
    ``PatientBirthDate='20100102'``); values are written as given, so
    malformed ones can be tested (pydicom's validation warnings are muted).
    """
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.1'  # CR
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'CR'
    rows, cols = pixels.shape[-2:]
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    if frames > 1:
        ds.NumberOfFrames = frames
    if slope is not None:
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
    if window is not None:
        ds.WindowCenter, ds.WindowWidth = window
    if voi_lut is not None:
        item = Dataset()
        item.LUTDescriptor = [len(voi_lut), 0, 8]
        item.add_new(0x00283006, 'US', [int(v) for v in voi_lut])  # LUTData
        ds.VOILUTSequence = Sequence([item])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # deliberately malformed values
        for keyword, value in (header or {}).items():
            setattr(ds, keyword, value)
    ds.PixelData = pixels.astype('<u2').tobytes()
    os.makedirs(osp.dirname(str(path)) or '.', exist_ok=True)
    ds.save_as(str(path), enforce_file_format=True)
    return str(path)
