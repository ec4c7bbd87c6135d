"""tools/serve.py end to end in a real headless Chromium (selenium)."""
import glob
import os
import os.path as osp
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import date

import cv2
import numpy as np
import pytest

from conftest import PYTHON, REPO, load_tool

BASELINE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')
CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'


def test_chrono_age_and_description():
    serve = load_tool('tools/serve.py')
    assert serve.chrono_age_months('2015-01-01', date(2025, 1, 1)) == \
        pytest.approx(120., abs=0.05)
    with pytest.raises(ValueError, match='not YYYY-MM-DD'):
        serve.chrono_age_months('01/01/2015')
    with pytest.raises(ValueError, match='after'):
        serve.chrono_age_months('2030-01-01', date(2025, 1, 1))
    row = dict(status='ok', pred_age=120.04, unit='months', lower=100.,
               upper=140., chrono_age=110., ba_minus_ca=10.04, sex='F',
               sex_source='argument', flags=None)
    text = serve.describe(row)
    assert '**Bone age: 120.0 months**' in text and '+10.0 months' in text
    assert serve.describe(dict(status='rejected', reason='too small')) == \
        '**rejected**: too small'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc, timeout: float = 120.) -> None:
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            raise AssertionError(f'serve.py exited: {proc.stdout.read()}')
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(1)
    raise AssertionError(f'{url} did not answer in {timeout} s')


@pytest.fixture
def browser(tmp_path):
    pytest.importorskip('gradio', reason='the demo needs gradio '
                        '(requirements/demo.txt)')
    webdriver = pytest.importorskip('selenium.webdriver',
                                    reason='needs selenium')
    if not (osp.isfile(CHROMIUM) and osp.isfile(CHROMEDRIVER)):
        pytest.skip(f'needs Debian chromium and chromium-driver '
                    f'({CHROMIUM}, {CHROMEDRIVER}); .ci/run installs them')
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--window-size=1280,1000',
                 f'--user-data-dir={tmp_path / "chrome"}'):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _estimate(driver, url, image, sex_label, age=None):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    upload = wait.until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '#upload input[type=file]')))
    upload.send_keys(image)
    # the page shows the uploaded file's name (stem and suffix apart)
    wait.until(EC.text_to_be_present_in_element(
        (By.ID, 'upload'), osp.splitext(osp.basename(image))[0]))
    driver.find_element(
        By.CSS_SELECTOR, f'#sex [data-testid="{sex_label}-radio-label"]'
    ).click()
    if age is not None:
        driver.find_element(By.CSS_SELECTOR, '#chrono input').send_keys(
            str(age))
    driver.find_element(By.ID, 'estimate').click()
    wait.until(lambda d: d.find_element(By.ID, 'result').text.strip())
    time.sleep(1)  # let the picture arrive
    return driver.find_element(By.ID, 'result').text


def test_demo_in_headless_chromium(browser, phantom_root, tmp_path):
    import torch
    from baa_mm.apis import init_estimator
    ckpt = str(tmp_path / 'init.pth')
    torch.save(dict(state_dict=init_estimator(BASELINE).state_dict()), ckpt)
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, 'tools/serve.py', BASELINE, ckpt, '--port', str(port)],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=REPO),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f'http://127.0.0.1:{port}/'
    shots = os.environ.get('BAA_MM_SCREENSHOT_DIR')
    try:
        _wait_for(url, proc)
        hand = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[0]
        text = _estimate(browser, url, hand, 'female', age=100)
        assert 'Bone age:' in text and 'months' in text, text
        assert 'bone age minus chronological age' in text, text
        browser.save_screenshot(str(tmp_path / 'demo_ok.png'))
        blank = str(tmp_path / 'blank.png')
        cv2.imwrite(blank, np.full((96, 96), 128, np.uint8))
        text = _estimate(browser, url, blank, 'male')
        assert text.startswith('rejected: blank or too little contrast'), \
            text
        browser.save_screenshot(str(tmp_path / 'demo_rejected.png'))
        if shots:
            os.makedirs(shots, exist_ok=True)
            for name in ('demo_ok.png', 'demo_rejected.png'):
                shutil.copy(tmp_path / name, osp.join(shots, name))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
