"""baa_mm.evaluation.functional.overlap_report."""
import pytest

from baa_mm.evaluation.functional import (format_overlap_rows, report_overlaps,
                                          summarize_overlaps)

ROWS = [
    dict(id='1', width=64, height=48, iou=0.9, precision=0.95, recall=0.94,
         ms=12.3, reason=''),
    dict(id='22', width=1600, height=2000, iou=0.5, precision=0.6,
         recall=0.7, ms=250., reason='no hand'),
    dict(id='3', width=64, height=48, iou=0.7, precision=0.8, recall=0.8,
         ms=1., reason=''),
]


def test_summarize_overlaps():
    stats = summarize_overlaps(ROWS)
    assert stats == pytest.approx(dict(n=3, mean_iou=0.7, median_iou=0.7,
                                       min_iou=0.5, worst='22'))
    assert summarize_overlaps([]) is None


def test_format_overlap_rows():
    lines = format_overlap_rows(ROWS)
    assert len(lines) == 4
    assert lines[0].split() == ['id', 'size', 'IoU', 'prec', 'recall', 'ms']
    assert lines[1].split() == ['1', '64x48', '0.900', '0.950', '0.940',
                                '12']
    assert lines[2].split() == ['22', '1600x2000', '0.500', '0.600',
                                '0.700', '250', 'no', 'hand']
    assert format_overlap_rows([]) == lines[:1]


def test_report_overlaps(capsys):
    stats = report_overlaps(ROWS, 'test set')
    printed = capsys.readouterr().out.splitlines()
    assert stats == summarize_overlaps(ROWS)
    assert printed[0] == 'test set:'
    assert printed[1:5] == format_overlap_rows(ROWS)
    assert printed[5] == ('test set: mean IoU 0.7000, median 0.7000, min '
                          'IoU 0.5000 (22) over 3 images')
    assert report_overlaps([], 'empty') is None
    assert capsys.readouterr().out == 'empty: no outline has an image here\n'
