"""Grad-CAM of any bone-age estimator, through ``pytorch_grad_cam``.

The explained quantity is the predicted age (a regression output, not a
class score): :class:`AgeOutputTarget` hands it to ``pytorch_grad_cam``,
:class:`AgeOutputModel` turns an estimator into ``images -> (N, 1)`` ages
(``mode='tensor'``), and :func:`regression_grad_cam` runs a CAM method and
leaves the estimator as it found it (no hooks, same ``requires_grad``,
``.grad`` and train/eval flags).

Shapes: N images, C channels, H x W the network input.
"""
import copy
from contextlib import contextmanager
from typing import Dict, Iterator, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn

from .cam_target_layers import LayerSpec, resolve_target_layers

__all__ = ['AgeOutputTarget', 'AgeOutputModel', 'regression_grad_cam',
           'GRAD_CAM_METHODS']

#: ``method`` name → ``pytorch_grad_cam`` class (gradient methods, plus
#: EigenCAM, which needs no gradient and ignores the target).
GRAD_CAM_METHODS: Dict[str, str] = {
    'gradcam': 'GradCAM',
    'gradcam++': 'GradCAMPlusPlus',
    'gradcamplusplus': 'GradCAMPlusPlus',
    'xgradcam': 'XGradCAM',
    'hirescam': 'HiResCAM',
    'layercam': 'LayerCAM',
    'gradcamelementwise': 'GradCAMElementWise',
    'eigencam': 'EigenCAM',
    'eigengradcam': 'EigenGradCAM',
}

SexLike = Union[None, int, Sequence[int], torch.Tensor]


class AgeOutputTarget:
    """A ``pytorch_grad_cam`` target: the predicted age of one image.

    Args:
        sign (float): +1 explains what makes the model predict an *older*
            age, -1 what makes it predict a *younger* one.

    Shapes:
        model_output (1, ) or (B, 1) → () or (B, )
    """

    def __init__(self, sign: float = 1.) -> None:
        if sign not in (1, -1):
            raise ValueError(f'sign must be 1 or -1, got {sign!r}')
        self.sign = float(sign)

    def __call__(self, model_output: torch.Tensor) -> torch.Tensor:
        if model_output.dim() == 0:
            return self.sign * model_output
        return self.sign * model_output[..., 0]


class AgeOutputModel(nn.Module):
    """A bone-age estimator as ``images -> (N, 1)`` ages, for CAM libraries
    that call ``model(images)``.

    The input is made a leaf that requires grad, so the activations of the
    target layers get gradients even when every parameter is frozen.

    Args:
        model (nn.Module): A baa_mm estimator (``forward(inputs,
            data_samples, sex, mode='tensor')`` returns (N,) ages).
        sex (Tensor, optional): (N,) 1 male / 0 female, fixed.
        data_samples (list, optional): Passed on (estimators whose tensor
            mode reads them).

    Shapes:
        images (N, C, H, W) → (N, 1)
    """

    def __init__(self, model: nn.Module, sex: Optional[torch.Tensor] = None,
                 data_samples: Optional[list] = None) -> None:
        super().__init__()
        self.model = model
        self.sex = sex
        self.data_samples = data_samples

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled() and not images.requires_grad:
            images = images.detach().requires_grad_(True)
        if self.sex is not None and len(self.sex) != len(images):
            raise ValueError(f'{len(self.sex)} sex values for '
                             f'{len(images)} images')
        ages = self.model(images, self.data_samples, self.sex, mode='tensor')
        return ages.float().reshape(len(images), -1)[:, :1]


def _sex_tensor(sex: SexLike, num: int,
                device: torch.device) -> Optional[torch.Tensor]:
    """(N,) int64 sex, from one value for all images or one each."""
    if sex is None:
        return None
    sex = torch.as_tensor(sex, dtype=torch.long).reshape(-1).to(device)
    sex = sex.clone()  # not an inference-mode tensor
    if sex.numel() == 1:
        sex = sex.expand(num)
    if sex.numel() != num:
        raise ValueError(f'{sex.numel()} sex values for {num} images')
    return sex


def _cam_class(method: str):
    import pytorch_grad_cam  # a runtime requirement, slow to import
    key = method.lower().replace('-', '').replace('_', '')
    if key not in GRAD_CAM_METHODS:
        raise ValueError(f'unknown CAM method {method!r}; choose from '
                         f'{", ".join(sorted(GRAD_CAM_METHODS))}')
    return getattr(pytorch_grad_cam, GRAD_CAM_METHODS[key])


@contextmanager
def _untouched(model: nn.Module) -> Iterator[None]:
    """Freeze the parameters (the input carries the gradient) and put the
    model in eval mode; restore flags, gradients and modes afterwards."""
    params = list(model.parameters())
    saved = [(p.requires_grad, p.grad) for p in params]
    modes = [(m, m.training) for m in model.modules()]
    try:
        for p in params:
            p.requires_grad_(False)
        model.eval()
        yield
    finally:
        for p, (flag, grad) in zip(params, saved):
            p.requires_grad_(flag)
            p.grad = grad
        for m, training in modes:
            m.training = training


def _float32_model(model: nn.Module) -> nn.Module:
    """``model`` itself when its floating parameters and buffers are
    float32, else a float32 copy (bf16 / fp16 weights)."""
    tensors = list(model.parameters()) + list(model.buffers())
    if all(t.dtype == torch.float32 for t in tensors
           if t.is_floating_point()):
        return model
    return copy.deepcopy(model).float()


def regression_grad_cam(model: nn.Module,
                        inputs: torch.Tensor,
                        sex: SexLike = None,
                        target_layers: LayerSpec = None,
                        method: str = 'gradcam',
                        aug_smooth: bool = False,
                        sign: float = 1.,
                        data_samples: Optional[list] = None) -> np.ndarray:
    """Class activation maps of the predicted age, one per image.

    Runs in float32 with autocast off (a bf16 / fp16 model is explained
    through a float32 copy), on the model's device, in eval mode; the
    model's hooks, ``requires_grad`` and ``.grad`` of its parameters and
    the train / eval mode of its modules are as before afterwards.
    Channels-last models and inputs are fine as they are.

    Args:
        model (nn.Module): A baa_mm estimator (``mode='tensor'`` gives (N,)
            ages).
        inputs (Tensor): (N, C, H, W) preprocessed images (what the data
            preprocessor returns).
        sex (int | Sequence[int] | Tensor, optional): 1 male / 0 female,
            one for all images or (N,); required by models with a sex input.
        target_layers (str | list, optional): Dotted module names, e.g.
            ``['backbone.layer4']`` (or modules); None: per backbone the
            last module with a spatial 4-D output (see
            :func:`default_target_layers`). Several layers' maps are
            averaged.
        method (str): A key of :data:`GRAD_CAM_METHODS` ('gradcam',
            'gradcam++', 'xgradcam', 'eigencam', ...).
        aug_smooth (bool): Average over flipped and scaled-intensity inputs
            (``pytorch_grad_cam`` test-time augmentation).
        sign (float): 1: regions raising the predicted age; -1: lowering it
            (ignored by EigenCAM).
        data_samples (list, optional): Passed to the estimator.

    Returns:
        np.ndarray: (N, H, W) float32 maps in [0, 1] (each scaled to its
        maximum), at the size of ``inputs``.

    Raises:
        ValueError: unknown method or target layer, or sex of another
            length than ``inputs``.
    """
    if inputs.dim() != 4:
        raise ValueError(f'inputs must be (N, C, H, W), got '
                         f'{tuple(inputs.shape)}')
    cam_class = _cam_class(method)
    target = AgeOutputTarget(sign)
    run_model = _float32_model(model)
    if isinstance(target_layers, nn.Module) or (
            isinstance(target_layers, (list, tuple)) and
            any(isinstance(t, nn.Module) for t in target_layers)):
        names = {id(m): n for n, m in model.named_modules()}
        layers = [target_layers] if isinstance(target_layers, nn.Module) \
            else list(target_layers)
        target_layers = [names.get(id(t), t) if isinstance(t, nn.Module)
                         else t for t in layers]
    device = next(run_model.parameters()).device
    with torch.inference_mode(False), _untouched(run_model), \
            torch.enable_grad(), torch.autocast(device.type, enabled=False):
        # a normal (not inference-mode) float32 copy on the model's device
        images = inputs.detach().to(device=device,
                                    dtype=torch.float32).clone()
        sex = _sex_tensor(sex, len(images), device)
        wrapper = AgeOutputModel(run_model, sex, data_samples)
        probe = AgeOutputModel(
            run_model, None if sex is None else sex[:1],
            None if data_samples is None else data_samples[:1])
        names = resolve_target_layers(run_model, target_layers,
                                      lambda: probe(images[:1]))
        layers = [run_model.get_submodule(n) for n in names]
        cam = cam_class(model=wrapper, target_layers=layers)
        try:
            maps = cam(input_tensor=images,
                       targets=[target] * len(images),
                       aug_smooth=aug_smooth)
        finally:
            cam.activations_and_grads.release()
    maps = np.nan_to_num(np.asarray(maps, np.float32)).reshape(
        len(images), *images.shape[-2:])
    peak = maps.reshape(len(maps), -1).max(axis=1)[:, None, None]
    # aug_smooth averages maps scaled to 1: scale the mean to 1 again
    maps = np.where(peak > 0, maps / np.maximum(peak, 1e-12), maps)
    return np.clip(maps, 0., 1.).astype(np.float32)
