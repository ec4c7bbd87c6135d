"""A local web demo of a trained bone-age model (Gradio).

Upload a PNG, JPEG, TIFF or DICOM radiograph, give the sex and optionally
the birth date or the chronological age, and see the bone age, its
interval, bone age minus chronological age, the picture, or why the image
was refused. It runs :class:`baa_mm.apis.BoneAgeInferencer` with the
checkpoint's calibration when there is one (see ``calibrate_inference.py``).

It binds to 127.0.0.1 unless told otherwise, limits the upload size, and
keeps uploads and pictures in a temporary folder removed at exit.

Example:
    python tools/serve.py CONFIG CKPT [--port 7860] [--max-file-size 50mb]
"""
import argparse
import atexit
import os
import shutil
import tempfile
from datetime import date
from typing import Optional, Tuple

from baa_mm.apis import BoneAgeInferencer

_SEXES = {'female': 'F', 'male': 'M', 'unknown': None}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--host', default='127.0.0.1',
                        help='bind address (default: this machine only)')
    parser.add_argument('--port', type=int, default=7860)
    parser.add_argument('--max-file-size', default='50mb')
    parser.add_argument('--device', help='cpu, cuda, ... (default: best)')
    return parser.parse_args(argv)


def chrono_age_months(birth_date: str, on: Optional[date] = None) -> float:
    """Months from a ``YYYY-MM-DD`` birth date to ``on`` (default today).

    Raises:
        ValueError: Not a date, or a date after ``on``.
    """
    try:
        born = date.fromisoformat(birth_date.strip())
    except ValueError:
        raise ValueError(f'birth date {birth_date!r} is not YYYY-MM-DD') \
            from None
    on = on or date.today()
    if born > on:
        raise ValueError(f'birth date {birth_date} is after {on}')
    return (on - born).days / (365.25 / 12)


def describe(row: dict) -> str:
    """A result row as Markdown for the page."""
    if row['status'] != 'ok':
        return f"**{row['status']}**: {row['reason']}"
    unit = row['unit']
    lines = [f"**Bone age: {row['pred_age']:.1f} {unit}**"]
    if row['lower'] is not None:
        lines.append(f"Interval: {row['lower']:.1f} to {row['upper']:.1f} "
                     f'{unit}')
    if row['chrono_age'] is not None:
        lines.append(f"Chronological age: {row['chrono_age']:.1f} {unit}; "
                     f"bone age minus chronological age: "
                     f"{row['ba_minus_ca']:+.1f} {unit}")
    if row['sex'] is not None:
        lines.append(f"Sex: {row['sex']} ({row['sex_source']})")
    if row['flags']:
        lines.append(f"Notes: {row['flags']}")
    return '\n\n'.join(lines)


def make_predict(inferencer: BoneAgeInferencer, work_dir: str):
    """The page's callback: (file, sex, birth date, age) → (text, picture)."""

    def predict(path: Optional[str], sex: str, birth_date: str,
                chrono_age: Optional[float]) -> Tuple[str, Optional[str]]:
        if not path:
            return '**error**: upload a radiograph first', None
        try:
            age = chrono_age if chrono_age else None
            if age is None and birth_date and birth_date.strip():
                age = chrono_age_months(birth_date)
                if inferencer.unit == 'years':
                    age /= 12.
        except ValueError as e:
            return f'**error**: {e}', None
        show_dir = tempfile.mkdtemp(dir=work_dir, prefix='vis_')
        row = inferencer(path, sex=_SEXES.get(sex), chrono_age=age,
                         show_dir=show_dir)[0]
        return describe(row), row['vis_path']

    return predict


def build_demo(inferencer: BoneAgeInferencer, work_dir: str):
    """The Gradio page (not launched)."""
    import gradio as gr
    with gr.Blocks(title='baa_mm bone age') as demo:
        gr.Markdown('# Bone age from a hand radiograph\nA research tool, '
                    'not a medical device.')
        with gr.Row():
            with gr.Column():
                upload = gr.File(label='Radiograph (PNG, JPEG, TIFF, DICOM)',
                                 type='filepath', elem_id='upload')
                sex = gr.Radio(list(_SEXES), value='unknown', label='Sex',
                               elem_id='sex')
                birth = gr.Textbox(label='Birth date (YYYY-MM-DD, optional; '
                                   'age at today)', elem_id='birth')
                age = gr.Number(label=f'or chronological age '
                                f'({inferencer.unit}, optional)',
                                value=None, elem_id='chrono')
                run = gr.Button('Estimate', variant='primary',
                                elem_id='estimate')
            with gr.Column():
                result = gr.Markdown(elem_id='result')
                picture = gr.Image(label='Picture', type='filepath',
                                   elem_id='picture')
        run.click(make_predict(inferencer, work_dir),
                  [upload, sex, birth, age], [result, picture])
    return demo


def main(argv=None):
    args = parse_args(argv)
    work_dir = tempfile.mkdtemp(prefix='baa_mm_serve_')
    atexit.register(shutil.rmtree, work_dir, ignore_errors=True)
    # Gradio copies uploads into its cache: keep it in the temporary folder
    os.environ['GRADIO_TEMP_DIR'] = work_dir
    os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
    inferencer = BoneAgeInferencer(args.config, args.checkpoint, args.device,
                                   show_progress=False)
    demo = build_demo(inferencer, work_dir)
    demo.launch(server_name=args.host, server_port=args.port,
                max_file_size=args.max_file_size, share=False,
                allowed_paths=[work_dir])


if __name__ == '__main__':
    main()
