"""Inference latency of PRSNet vs the baseline ResNet regressor, one run.

Both models are built from configs (default: the published PRSNet and its
``-baseline`` ablation, ResNet-34 + sex at 512 x 512), put in eval mode and
timed on the same random batch in the same process and threads: warm-up
runs, then PRSNet and baseline alternate for ``--repeats`` rounds and the
median of each is printed with the ratio. PRSNet's crops come from a
full-resolution image (``--hr-size``, RSNA radiographs are about 2000 x
1600) so their cost is included. ``--breakdown`` times PRSNet's stages
(trunk with relation modules, anchor scoring + NMS, RoIAlign crops, part
CNN, head) to show where the extra time goes. Peak memory: on CUDA the
peak allocated by each model's warm-up; on a CPU the process's resident
high-water mark after the baseline's warm-up and after PRSNet's (run in
that order, so the second minus the first is what PRSNet needs beyond the
baseline's peak). A benchmark, not a test.

Example:
    python tools/analysis_tools/benchmark_prsnet_latency.py --breakdown
"""
import argparse
import statistics
import time

import torch
from mmengine.config import Config, DictAction

from baa_mm.models.estimators.base import full_res_factors, valid_shapes
from baa_mm.models.utils import map_boxes
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import cuda_peak_mib, peak_rss_mib, register_all_modules

PRSNET = 'configs/prsnet/prsnet_r34_1xb16-100e_rsna-512px.py'
BASELINE = 'configs/prsnet/prsnet-baseline_r34_1xb16-100e_rsna-512px.py'


def build(config: str, device: str, options=None):
    cfg = Config.fromfile(config)
    if options:
        cfg.merge_from_dict(options)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.to(device).eval()


def make_batch(model, n: int, size: int, hr_size, device: str) -> dict:
    samples = []
    for i in range(n):
        s = BoneAgeDataSample().set_sex(i % 2)
        s.hr_img = torch.rand(1, hr_size[0], hr_size[1])
        s.set_metainfo(
            dict(
                img_shape=(size, size),
                hr_factor=(hr_size[1] / size, hr_size[0] / size)))
        samples.append(s)
    data = dict(
        inputs=[torch.rand(1, size, size) for _ in range(n)],
        data_samples=samples)
    return model.data_preprocessor(data, False)


def timed(fn, device: str) -> float:
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return (time.perf_counter() - t) * 1000


def breakdown(model, data, device: str, repeats: int) -> dict:
    """Median ms of each PRSNet stage, replayed through the modules'
    public methods (trunk, ``part_selection.select``,
    ``part_extractor.crop``, ``part_extractor``, ``head``)."""
    inputs, samples, sex = data['inputs'], data['data_samples'], data['sex']
    out = {}
    stages = {}

    def trunk():
        stages['feats'] = model.backbone(inputs)

    def select():
        stages['sel'] = model.part_selection.select(
            stages['feats'], valid_shapes(inputs, samples))

    def crop():
        boxes = stages['sel'][0]
        hr_boxes = map_boxes(boxes, full_res_factors(samples, len(boxes),
                                                     boxes.device))
        stages['crops'] = model.data_preprocessor.normalize(
            model.part_extractor.crop([s.hr_img.to(inputs.device)
                                       for s in samples], hr_boxes))

    def parts():
        boxes, _, _, levels = stages['sel']
        stages['parts'] = model.part_extractor(stages['crops'],
                                               boxes.shape[1], levels)

    def head():
        fused = torch.cat([
            model.gap(stages['feats'][-1]).flatten(1),
            stages['parts'][0].sum(1).to(stages['feats'][-1].dtype)
        ], 1)
        model.head(fused, sex)

    for name, fn in (('trunk (ResNet + relation)',
                      trunk), ('anchor scores + NMS',
                               select), ('RoIAlign crops (full res)', crop),
                     ('part CNN', parts), ('head', head)):
        out[name] = []
    for _ in range(repeats):
        for name, fn in zip(out, (trunk, select, crop, parts, head)):
            out[name].append(timed(fn, device))
    return {k: statistics.median(v) for k, v in out.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=PRSNET)
    parser.add_argument('--baseline-config', default=BASELINE)
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument(
        '--hr-size',
        type=int,
        nargs=2,
        default=[2048, 1600],
        metavar=('H', 'W'))
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=15)
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--bf16', action='store_true', help='bf16 autocast for both models')
    parser.add_argument('--breakdown', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='overrides of the PRSNet config, e.g. '
                        'model.part_extractor.crop_size=96')
    args = parser.parse_args(argv)
    register_all_modules()
    torch.manual_seed(0)
    prs = build(args.config, args.device, args.cfg_options)
    base = build(args.baseline_config, args.device)
    data_prs = make_batch(prs, args.batch, args.size, args.hr_size,
                          args.device)
    data_base = make_batch(base, args.batch, args.size, args.hr_size,
                           args.device)
    print(f'torch {torch.__version__}, device {args.device}, threads '
          f'{torch.get_num_threads()}, batch {args.batch}, input '
          f'{args.size}x{args.size}, full resolution '
          f'{args.hr_size[0]}x{args.hr_size[1]}, bf16 {args.bf16}')
    ctx = torch.autocast(
        args.device.split(':')[0], dtype=torch.bfloat16, enabled=args.bf16)
    times = dict(prsnet=[], baseline=[])
    with torch.no_grad(), ctx:
        peak = {}
        cuda_peak_mib(args.device, reset=True)
        for name, model, data in (('baseline', base, data_base),
                                  ('prsnet', prs, data_prs)):
            for _ in range(args.warmup):
                model(**data, mode='predict')
            peak[name] = (cuda_peak_mib(args.device, reset=True),
                          peak_rss_mib()[0])
        for _ in range(args.repeats):
            times['prsnet'].append(
                timed(lambda: prs(**data_prs, mode='predict'), args.device))
            times['baseline'].append(
                timed(lambda: base(**data_base, mode='predict'), args.device))
        med = {k: statistics.median(v) for k, v in times.items()}
        for k in ('baseline', 'prsnet'):
            print(f'{k:>9}: median {med[k]:8.1f} ms / batch '
                  f'({med[k] / args.batch:.1f} ms / image), min '
                  f'{min(times[k]):.1f}, max {max(times[k]):.1f}')
        print(f'ratio prsnet / baseline: {med["prsnet"] / med["baseline"]:.3f}'
              f' (target <= 1.25; paper ~1.1)')
        for k in ('baseline', 'prsnet'):
            cuda, rss = peak[k]
            print(f'{k:>9}: peak memory '
                  + (f'{cuda:.0f} MiB allocated on {args.device}, '
                     if cuda else '')
                  + f'process resident high-water {rss:.0f} MiB after its '
                  'warm-up')
        if args.breakdown:
            parts = breakdown(prs, data_prs, args.device, args.repeats)
            total = sum(parts.values())
            print('PRSNet stages (median ms):')
            for k, v in parts.items():
                print(f'  {k:<28} {v:8.1f}  {100 * v / total:5.1f} %')


if __name__ == '__main__':
    main()
