"""Tiny RSNA Bone Age downloads in the release and Kaggle layouts, for
tests (the file and folder names of the real distributions; images are
64 px phantoms, one flat image per training set)."""
import csv
import os
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np

import dicom_files  # tests/ helper

from baa_mm.datasets.phantom import render_phantom

VAL = 'Bone Age Validation Set'
TEST_GT = 'Bone age ground truth.xlsx'
# the ids the writers use, per split
TRAIN_IDS = ['1377', '1378', '1379', '1380', '1381', '1382']
FLAT_ID = '1382'  # a flat image: the pseudo-mask converter finds no hand
VAL_IDS = (['1386', '1387'], ['1390', '1391'])  # zip 1, zip 2
TEST_IDS = ['4360', '4361', '4362']


def age_of(img_id: str) -> float:
    """The (deterministic) age written for an id."""
    return float(12 + int(img_id) % 200)


def write_image(path: str, img_id: str) -> str:
    """A 64 px phantom radiograph (flat for :data:`FLAT_ID`), as PNG/JPEG
    by the extension."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    img = np.full((64, 64), 40, np.uint8) if img_id == FLAT_ID else \
        render_phantom(int(img_id), 0, 64).image
    cv2.imwrite(path, img)
    return path


def write_dicom(path: str, img_id: str) -> str:
    """A minimal uncompressed DICOM (CR, 16-bit) of a phantom."""
    pixels = render_phantom(int(img_id), 0, 64).image.astype(np.uint16) * 16
    return dicom_files.write_dicom(path, pixels)


def _csv(path: str, header: List[str], rows: List[list]) -> None:
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_test_gt(path: str, ids: List[str] = TEST_IDS) -> str:
    """``Bone age ground truth.xlsx`` (``Case ID,Sex,Ground truth bone age
    (months)``), ids as numbers as in the real file."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(['Case ID', 'Sex', 'Ground truth bone age (months)'])
    for i in ids:
        ws.append([int(i), 'M' if int(i) % 2 else 'F', age_of(i)])
    wb.save(path)
    return path


def write_release(root: str, nested_val: bool = True,
                  train_ids: List[str] = TRAIN_IDS) -> Dict[str, list]:
    """The RSNA challenge release: ``train.csv`` +
    ``boneage-training-dataset/``, the validation set as two unpacked zips
    (one level deeper when ``nested_val``), the xlsx test ground truth +
    ``boneage-test-dataset/``. ``train_ids``: more training ids when a
    test needs the configs' 10 % selection split to be non-empty. Returns
    the ids per split."""
    _csv(osp.join(root, 'train.csv'), ['id', 'boneage', 'male'],
         [[i, age_of(i), str(int(i) % 2 == 0)] for i in train_ids])
    for i in train_ids:
        write_image(osp.join(root, 'boneage-training-dataset', f'{i}.png'), i)
    val_ids = VAL_IDS[0] + VAL_IDS[1]
    _csv(osp.join(root, VAL, 'Validation Dataset.csv'),
         ['Image ID', 'male', 'Bone Age (months)'],
         [[i, str(int(i) % 2 == 0).upper(), age_of(i)] for i in val_ids])
    for k, ids in enumerate(VAL_IDS, start=1):
        folder = osp.join(root, VAL, f'boneage-validation-dataset-{k}')
        if nested_val:
            folder = osp.join(folder, f'boneage-validation-dataset-{k}')
        for i in ids:
            write_image(osp.join(folder, f'{i}.png'), i)
    write_test_gt(osp.join(root, TEST_GT))
    for i in TEST_IDS:
        write_image(osp.join(root, 'boneage-test-dataset', f'{i}.png'), i)
    return dict(train=list(train_ids), validation=val_ids, test=TEST_IDS)


def write_kaggle(root: str) -> Dict[str, list]:
    """The Kaggle mirror: ``boneage-training-dataset.csv`` with images one
    folder deeper, ``boneage-test-dataset.csv`` (``Case ID,Sex``, no ages)
    with its images. Returns the ids per split."""
    _csv(osp.join(root, 'boneage-training-dataset.csv'),
         ['id', 'boneage', 'male'],
         [[i, age_of(i), str(int(i) % 2 == 0)] for i in TRAIN_IDS])
    sub = 'boneage-training-dataset'
    for i in TRAIN_IDS:
        write_image(osp.join(root, sub, sub, f'{i}.png'), i)
    _csv(osp.join(root, 'boneage-test-dataset.csv'), ['Case ID', 'Sex'],
         [[i, 'M' if int(i) % 2 else 'F'] for i in TEST_IDS])
    sub = 'boneage-test-dataset'
    for i in TEST_IDS:
        write_image(osp.join(root, sub, sub, f'{i}.png'), i)
    return dict(train=TRAIN_IDS, test=TEST_IDS)
