"""Convert a timm checkpoint into one that baa_mm's configs load with
``init_cfg=dict(type='Pretrained', checkpoint=...)`` on mmpretrain's
``TIMMBackbone`` (whose weights live under ``timm_model.``).

Example (ImageNet Xception, downloaded by you from timm's model hub)::

    python tools/model_converters/timm_to_baa_mm.py \
        ~/Downloads/legacy_xception.tf_in1k.safetensors \
        checkpoints/legacy_xception.tf_in1k.pth --model-name legacy_xception

Keys are kept when the backbone (built as the configs build it: no
classifier, no pooling) has them with the same shape; the dropped ones (the
classifier) are listed. Nothing is downloaded.
"""
import argparse
import os
import os.path as osp

import torch


def load_state_dict(path: str) -> dict:
    """A checkpoint's tensors (.safetensors, or a torch file holding a state
    dict, possibly under 'state_dict' / 'model')."""
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path)
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    for key in ('state_dict', 'model'):
        if isinstance(ckpt, dict) and key in ckpt:
            ckpt = ckpt[key]
    return ckpt


def convert(src: str, dst: str, model_name: str, in_channels: int = 3):
    """Write ``dst``; returns (kept keys, dropped keys)."""
    import timm
    model = timm.create_model(model_name, pretrained=False,
                              in_chans=in_channels, num_classes=0,
                              global_pool='')
    target = model.state_dict()
    kept, dropped = {}, []
    for k, v in load_state_dict(src).items():
        if k in target and target[k].shape == v.shape:
            kept[f'timm_model.{k}'] = v
        else:
            dropped.append(k)
    missing = sorted(set(target) - {k[len('timm_model.'):] for k in kept})
    if missing:
        raise SystemExit(f'error: {src} lacks {len(missing)} weights of '
                         f'{model_name}, e.g. {missing[:5]}')
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    torch.save(dict(state_dict=kept, meta=dict(source=osp.basename(src),
                                               timm_model=model_name)), dst)
    return sorted(kept), dropped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='timm checkpoint (.safetensors/.pth)')
    parser.add_argument('dst', help='output .pth')
    parser.add_argument('--model-name', required=True,
                        help="timm model name, e.g. 'legacy_xception'")
    parser.add_argument('--in-channels', type=int, default=3)
    args = parser.parse_args(argv)
    kept, dropped = convert(args.src, args.dst, args.model_name,
                            args.in_channels)
    print(f'{args.dst}: {len(kept)} tensors; dropped {len(dropped)}: '
          f'{dropped}')


if __name__ == '__main__':
    main()
