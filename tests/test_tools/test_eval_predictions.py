"""tools/analysis_tools/eval_predictions.py: a report of a --out CSV."""
import json
import math

import cv2
import pytest

from conftest import PYTHON, load_tool, run_tool

TOOL = 'tools/analysis_tools/eval_predictions.py'
HEADER = 'img_id,img_path,sex,gt_age,pred_age,abs_error'
PNG = b'\x89PNG\r\n\x1a\n'
# id, true age (months), male, predicted age; 1004 is not predicted
LABELS = [('1000', 12., True, 18.), ('1001', 30., False, 20.),
          ('1002', 100., True, 100.), ('1003', 150., False, 170.),
          ('1004', 200., True, None)]


def _write_preds(path, rows, header=HEADER):
    path.write_text('\n'.join([header] + rows) + '\n')
    return str(path)


@pytest.fixture
def files(tmp_path):
    labels = tmp_path / 'train.csv'
    labels.write_text('id,boneage,male\n' + ''.join(
        f'{i},{age:g},{male}\n' for i, age, male, _ in LABELS))
    rows = [f'{i},x/{i}.png,{int(male)},{age:.4f},{pred:.4f},'
            f'{abs(pred - age):.4f}'
            for i, age, male, pred in LABELS if pred is not None]
    rows.append('x9,x/x9.png,,,50.0000,')  # not labelled
    return _write_preds(tmp_path / 'preds.csv', rows), str(labels)


def _check_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == PNG and len(data) > 5000, path
    img = cv2.imread(str(path))
    assert img is not None and min(img.shape[:2]) >= 300


def test_report_numbers_plots_and_ids(files, tmp_path, capsys):
    pred, labels = files
    tool = load_tool(TOOL)
    tool.main([pred, labels])  # default out dir: preds_report/ next to it
    stdout = capsys.readouterr().out
    out = tmp_path / 'preds_report'
    assert 'missing 1 labelled images without prediction: 1004' in stdout
    assert 'extra 1 predictions without label: x9' in stdout
    assert 'MAE 9.000' in stdout
    res = json.loads((out / 'metrics.json').read_text())
    assert (res['n_predictions'], res['n_labels'], res['n_matched']) == \
        (5, 5, 4)
    assert res['missing_ids'] == ['1004'] and res['extra_ids'] == ['x9']
    assert res['gt_age_mismatch_ids'] == []
    # errors +6 -10 0 +20
    m = res['metrics']
    assert m['overall'] == pytest.approx(dict(
        n=4, MAE=9., RMSE=math.sqrt(134.), bias=4., within_6=50.,
        within_12=75., within_24=100.))
    assert m['by_sex']['female'] == pytest.approx(dict(
        n=2, MAE=15., RMSE=math.sqrt(250.), bias=5., within_6=0.,
        within_12=50., within_24=100.))
    assert m['by_sex']['male']['MAE'] == pytest.approx(3.)
    assert m['by_sex']['male']['n'] == 2
    bands = m['by_age_band']
    assert [(k, v['n'], v['MAE']) for k, v in bands.items()] == [
        ('0-24', 1, 6.), ('24-72', 1, 10.), ('72-120', 1, 0.),
        ('120-168', 1, 20.), ('168-228', 0, None)]
    sd = math.sqrt(472 / 3)  # deviations 2 -14 -4 16
    assert res['bland_altman'] == pytest.approx(dict(
        n=4, bias=4., sd=sd, loa_lower=4 - 1.96 * sd,
        loa_upper=4 + 1.96 * sd))
    for name in ('bland_altman', 'pred_vs_true', 'error_by_age_band'):
        _check_png(out / f'{name}.png')
    report = (out / 'report.md').read_text()
    assert 'Missing ids (1): `1004`' in report
    assert 'Extra ids (1): `x9`' in report
    assert '| all | 4 | 9.00 | 11.58 | 4.00 | 50.0 % | 75.0 % | 100.0 % |' \
        in report
    assert '| 168-228 (14-19 y) | 0 | - |' in report
    for name in ('bland_altman.png', 'pred_vs_true.png',
                 'error_by_age_band.png'):
        assert f']({name})' in report


def test_html_years_and_xlsx_labels_by_cli(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(['Case ID', 'Sex', 'Ground truth bone age (months)'])
    for i, age in (('a', 10.), ('b', 30.), ('c', 70.)):
        ws.append([i, 'F', age])
    labels = str(tmp_path / 'test.xlsx')
    wb.save(labels)
    pred = _write_preds(tmp_path / 'p.csv', [
        'a,,,,12.0,', 'b,,,,24.0,', 'c,,,,73.0,'])
    out = tmp_path / 'rep'
    proc = run_tool([PYTHON, TOOL, pred, labels, '--out-dir', str(out),
                     '--unit', 'years', '--format', 'html'])
    assert '3 images evaluated (years)' in proc.stdout
    assert 'missing' not in proc.stdout and 'extra' not in proc.stdout
    res = json.loads((out / 'metrics.json').read_text())
    assert res['thresholds'] == [5., 10.]
    assert list(res['metrics']['by_age_band']) == [
        '0-18', '18-40', '40-60', '60+']
    assert res['metrics']['by_sex']['male']['n'] == 0
    assert res['metrics']['overall']['MAE'] == pytest.approx(11 / 3)
    html = (out / 'report.html').read_text()
    assert '<img src="bland_altman.png"' in html and '<table>' in html
    assert not (out / 'report.md').exists()
    _check_png(out / 'error_by_age_band.png')


def test_many_unmatched_ids_are_listed_not_dropped(files, tmp_path, capsys):
    pred, labels = files
    rows = open(pred).read().splitlines()[1:]
    rows += [f'e{k:02d},,,,1.0,' for k in range(24)]  # 25 extra with x9
    pred = _write_preds(tmp_path / 'many.csv', rows)
    res = load_tool(TOOL).main([pred, labels, '--out-dir',
                                str(tmp_path / 'o')])
    stdout = capsys.readouterr().out
    assert res['n_extra'] == 25 and res['extra_ids'][-1] == 'e23'
    assert 'e18' in stdout and 'e19' not in stdout
    assert '... and 5 more' in stdout
    assert '`e23`' in (tmp_path / 'o' / 'report.md').read_text()


def test_no_sex_column_and_gt_mismatch_warning(tmp_path, capsys):
    labels = tmp_path / 'l.csv'
    labels.write_text('id,boneage\n1,10\n2,20\n')
    pred = _write_preds(tmp_path / 'p.csv', ['1,,1,10.0000,11.0,',
                                             '2,,0,25.0000,19.0,'])
    res = load_tool(TOOL).main([pred, str(labels), '--out-dir',
                                str(tmp_path / 'o')])
    assert res['metrics']['by_sex'] == {}
    assert res['gt_age_mismatch_ids'] == ['2']
    assert 'warning: gt_age of' in capsys.readouterr().out


@pytest.mark.parametrize('case, pattern', [
    ('no_age_column', r"p.csv: line 1: header .* lacks \['pred_age'\]"),
    ('text_age', r"p.csv: line 3: pred_age must be a finite number, got "
     r"'old'"),
    ('bad_label_age', r"l.csv: line 3: age of '1001' is empty or not a "
     'finite number'),
    ('bad_label_sex', r"l.csv: line 2: sex 'maybe' of '1000' not "
     'recognised'),
    ('label_columns', r'l.csv: cannot find the age column'),
    ('broken_xlsx', r'l.xlsx: not a readable .xlsx file'),
    ('no_label_file', r'label file not found: .*nope.csv'),
    ('no_overlap', r'no image id of .*p.csv \(1 ids, e.g. 9\) is in '
     r'.*l.csv \(2 ids, e.g. 1000, 1001\)'),
])
def test_bad_input_is_named(tmp_path, case, pattern):
    labels = tmp_path / 'l.csv'
    labels.write_text('id,boneage,male\n1000,12,True\n1001,30,False\n')
    rows = ['1000,,,,13.0,', '1001,,,,31.0,']
    header = HEADER
    if case == 'no_age_column':
        header = 'img_id,img_path,sex,gt_age,abs_error'
        rows = ['1000,,,,', '1001,,,,']
    elif case == 'text_age':
        rows[1] = '1001,,,,old,'
    elif case == 'bad_label_age':
        labels.write_text('id,boneage,male\n1000,12,True\n1001,ten,False\n')
    elif case == 'bad_label_sex':
        labels.write_text('id,boneage,male\n1000,12,maybe\n')
    elif case == 'label_columns':
        labels.write_text('id,male\n1000,True\n')
    elif case == 'broken_xlsx':
        labels = tmp_path / 'l.xlsx'
        labels.write_bytes(b'not a zip file')
    elif case == 'no_label_file':
        labels = tmp_path / 'nope.csv'
    elif case == 'no_overlap':
        rows = ['9,,,,13.0,']
    pred = _write_preds(tmp_path / 'p.csv', rows, header)
    with pytest.raises(SystemExit, match='^error: .*' + pattern):
        load_tool(TOOL).main([pred, str(labels), '--out-dir',
                              str(tmp_path / 'o')])
    assert not (tmp_path / 'o').exists()  # nothing written on bad input
