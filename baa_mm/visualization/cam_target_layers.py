"""Which layers a class activation map explains: by name, or found.

A target layer must output one 4-D feature map ``(N, C, h, w)`` once per
forward pass (what ``pytorch_grad_cam`` weights by its gradients). Layers
are named by their dotted path in the estimator (``'backbone.layer4'``,
``'backbones.1.stages.3'``), or found by :func:`default_target_layers`,
which runs one probe pass with forward hooks (removed afterwards).
"""
import difflib
from typing import Callable, Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn

__all__ = ['default_target_layers', 'resolve_target_layers',
           'probe_feature_maps']

LayerSpec = Union[None, str, nn.Module, Sequence[Union[str, nn.Module]]]
Probe = Union[torch.Tensor, Callable[[], object]]


def _as_run(model: nn.Module, probe: Probe,
            sex: Optional[torch.Tensor]) -> Callable[[], object]:
    """A forward pass: ``probe`` itself, or the estimator's tensor mode on
    the first image of a (N, C, H, W) ``probe``."""
    if callable(probe) and not isinstance(probe, torch.Tensor):
        return probe
    sex = None if sex is None else torch.as_tensor(sex).reshape(-1)[:1]
    return lambda: model(probe[:1], None, sex, mode='tensor')


def probe_feature_maps(model: nn.Module, run: Callable[[], object],
                       scope: Optional[nn.Module] = None
                       ) -> Dict[str, dict]:
    """Run ``run()`` once (no gradients) and record, for every submodule of
    ``scope`` (default: the whole ``model``), what it outputs.

    Args:
        model (nn.Module): The estimator (names are relative to it).
        run (Callable): A forward pass of ``model``, e.g. ``lambda:
            model(x[:1], None, sex, mode='tensor')``.
        scope (nn.Module, optional): Only submodules of this module.

    Returns:
        dict: ``{name: dict(order=int, calls=int, shape=tuple | None)}``
        for the modules that ran, in the order their forward finished
        (``shape`` is the output's shape when it is one 4-D tensor).
    """
    scope = model if scope is None else scope
    inside = {id(m) for m in scope.modules()}
    names = {id(m): n for n, m in model.named_modules() if id(m) in inside}
    seen: Dict[str, dict] = {}
    handles, finished = [], [0]

    def hook(module, args, output):
        name = names[id(module)]
        entry = seen.setdefault(name, dict(calls=0))
        entry['calls'] += 1
        finished[0] += 1
        entry['order'] = finished[0]
        entry['shape'] = tuple(output.shape) if isinstance(
            output, torch.Tensor) and output.dim() == 4 else None

    try:
        for module in scope.modules():
            if id(module) in names:
                handles.append(module.register_forward_hook(hook))
        with torch.no_grad():
            run()
    finally:
        for handle in handles:
            handle.remove()
    return dict(sorted(seen.items(), key=lambda kv: kv[1]['order']))


def _scopes(model: nn.Module) -> List[nn.Module]:
    """The backbone(s) of an estimator (``backbone``, or each of a
    ``backbones`` ModuleList), else the estimator itself."""
    if isinstance(getattr(model, 'backbone', None), nn.Module):
        return [model.backbone]
    backbones = getattr(model, 'backbones', None)
    if isinstance(backbones, (nn.ModuleList, nn.ModuleDict)):
        return list(backbones.values() if isinstance(
            backbones, nn.ModuleDict) else backbones)
    return [model]


def _ancestors(name: str) -> List[str]:
    """``'a.b.c'`` → ``['a', 'a.b']``."""
    parts = name.split('.')
    return ['.'.join(parts[:k]) for k in range(1, len(parts))]


def default_target_layers(model: nn.Module, probe: Probe,
                          sex: Optional[torch.Tensor] = None) -> List[str]:
    """Names of the layers to explain by default: per backbone, the last
    module (in the order the forward finishes) that outputs a spatial 4-D
    map (h * w > 1), runs once and is not inside another module with a 4-D
    output (whole blocks, not their branches), other than the one giving
    the last 4-D output (which may be a whole timm model).

    For a ResNet that is ``backbone.layer4`` (the whole last stage, whose
    output is the backbone's feature map; not its last BN, whose output the
    residual addition changes in place), for a plain conv stack the stack,
    for timm models their last stage (Inception-v3 at 96 px, whose last
    blocks are 1 x 1: ``Mixed_6e``). A model with ``backbones`` (early
    fusion) gets one layer per backbone (their maps are averaged).

    Args:
        model (nn.Module): The estimator.
        probe (Tensor | Callable): (N, C, H, W) preprocessed images (the
            first one is run through ``mode='tensor'``), or a callable
            making one forward pass of ``model``.
        sex (Tensor, optional): (N,) sex, for models with a sex input.

    Returns:
        list[str]: Dotted module names.

    Raises:
        ValueError: a backbone has no module with a spatial 4-D output
            (e.g. a vision transformer: name a layer and reshape it
            yourself).
    """
    run, layers = _as_run(model, probe, sex), []
    for scope in _scopes(model):
        found = probe_feature_maps(model, run, scope)
        four_d = [n for n, e in found.items() if e['shape'] is not None]
        # blocks, not their branches; the module giving the final map (a
        # whole timm model, a ResNet's last stage) may contain the choice
        blocks = set(four_d[:-1])
        maps = [n for n in four_d
                if found[n]['calls'] == 1
                and found[n]['shape'][2] * found[n]['shape'][3] > 1
                and not any(a in blocks for a in _ancestors(n))]
        if not maps:
            raise ValueError(
                f'no module of {type(scope).__name__} outputs a 4-D feature '
                'map (N, C, h, w) with h * w > 1; pass target_layers, e.g. '
                "['backbone.layer4']")
        layers.append(maps[-1])
    return layers


def _named(model: nn.Module, spec: Union[str, nn.Module]) -> str:
    """The dotted name of a module given by name or object."""
    names = dict(model.named_modules())
    if isinstance(spec, nn.Module):
        for name, module in names.items():
            if module is spec and name:
                return name
        raise ValueError(f'target layer {type(spec).__name__} is not a '
                         f'submodule of {type(model).__name__}')
    name = str(spec).strip()
    if name.startswith('model.') and name not in names:
        name = name[len('model.'):]
    if name not in names or not name:
        close = difflib.get_close_matches(name, [n for n in names if n],
                                          n=5, cutoff=0.5)
        hint = f'; close names: {", ".join(close)}' if close else \
            '; see model.named_modules() for the names'
        raise ValueError(f'target layer {spec!r} is not a module of '
                         f'{type(model).__name__}{hint}')
    return name


def resolve_target_layers(model: nn.Module, target_layers: LayerSpec,
                          probe: Probe,
                          sex: Optional[torch.Tensor] = None) -> List[str]:
    """Check the given target layers (or find the default ones).

    Args:
        model (nn.Module): The estimator.
        target_layers (str | nn.Module | list | None): Dotted names (a
            leading ``model.`` is allowed; a string may list several,
            comma-separated) or modules of ``model``; None: the default.
        probe (Tensor | Callable): Images or a forward pass, as for
            :func:`default_target_layers`.
        sex (Tensor, optional): (N,) sex, for models with a sex input.

    Returns:
        list[str]: Dotted names, each outputting one 4-D map once per
        forward.

    Raises:
        ValueError: a name that is no module of ``model`` (with close
            names), or a layer that does not run, runs several times or
            does not output a 4-D tensor.
    """
    if target_layers is None or (isinstance(target_layers, (list, tuple))
                                 and not target_layers):
        return default_target_layers(model, probe, sex)
    if isinstance(target_layers, str):
        target_layers = [s for s in target_layers.split(',') if s.strip()]
    elif isinstance(target_layers, nn.Module):
        target_layers = [target_layers]
    names = [_named(model, spec) for spec in target_layers]
    found = probe_feature_maps(model, _as_run(model, probe, sex))
    for name in names:
        entry = found.get(name)
        if entry is None:
            raise ValueError(f'target layer {name!r} does not run in the '
                             f'forward pass of {type(model).__name__}')
        if entry['calls'] != 1:
            raise ValueError(f'target layer {name!r} runs {entry["calls"]} '
                             'times per forward pass; choose a layer that '
                             'runs once')
        if entry['shape'] is None:
            raise ValueError(f'target layer {name!r} does not output one '
                             '4-D tensor (N, C, h, w); choose a convolutional'
                             ' layer or stage')
    return names
