"""Drawing bone-age predictions: age, selected parts and attention maps."""
from typing import List, Optional

import cv2
import numpy as np
import torch
from mmengine.dist import master_only
from mmengine.visualization import Visualizer

from baa_mm.registry import VISUALIZERS

__all__ = ['BoneAgeVisualizer', 'to_rgb_uint8']

#: Edge colours of part boxes, by rank (the best-scored part first).
PART_COLORS = [(255, 64, 64), (64, 255, 64), (64, 160, 255), (255, 200, 0),
               (255, 0, 255), (0, 255, 255)]


def to_rgb_uint8(image) -> np.ndarray:
    """(H, W), (1, H, W), (H, W, 1|3) float [0, 1] or uint8 → (H, W, 3).

    Returns a uint8 RGB array.
    """
    if isinstance(image, torch.Tensor):
        image = image.detach().float().cpu().numpy()
        if image.ndim == 3:
            image = image.transpose(1, 2, 0)
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.dtype != np.uint8:
        image = (np.clip(image, 0., 1.) * 255. + 0.5).astype(np.uint8)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return np.ascontiguousarray(image[..., :3])


@VISUALIZERS.register_module()
class BoneAgeVisualizer(Visualizer):
    """mmengine's Visualizer that draws a :class:`BoneAgeDataSample`.

    The first panel is the radiograph with the predicted (and ground-truth)
    age, the segmented hand (``pred_hand``, Wu et al. Fig. 3) and, when the
    sample has ``pred_parts``, the selected part boxes with their rank,
    anchor score and per-part age (PRSNet, Fig. 5). Every map in
    ``pred_maps`` (``{name: (h, w)}``: PRSNet's relation maps, the residual
    attention network's soft masks, ...) follows as a heat-map panel over
    the same image (mmengine's ``draw_featmap``, which rescales each map
    to its own min-max), captioned with its name. The residual attention
    network's maps are its soft masks M(x) after the sigmoid, channel mean
    (``ResidualAttentionNet(map_stage='logit')``: before the sigmoid).

    Boxes are drawn in the coordinates of ``image``: ``pred_parts.hr_bboxes``
    when the image is the full-resolution ``hr_img``, ``pred_parts.bboxes``
    when it has the network-input size.
    """

    def _boxes_for(self, parts, image: np.ndarray, sample) -> torch.Tensor:
        h, w = image.shape[:2]
        if 'hr_bboxes' in parts and 'hr_img' in sample and \
                tuple(sample.hr_img.shape[-2:]) == (h, w):
            return parts.hr_bboxes
        boxes = parts.bboxes.clone().float()
        in_shape = sample.metainfo.get('img_shape')
        if in_shape is not None and tuple(in_shape[:2]) != (h, w):
            boxes[:, 0::2] *= w / in_shape[1]
            boxes[:, 1::2] *= h / in_shape[0]
        return boxes

    def _draw_main(self, image: np.ndarray, sample, draw_gt: bool,
                   draw_pred: bool) -> np.ndarray:
        self.set_image(image)
        h, w = image.shape[:2]
        font = max(8, int(min(h, w) / 25))
        lines: List[str] = []
        if draw_pred and 'pred_age' in sample:
            text = f'pred {float(sample.pred_age):.1f}'
            if 'pred_interval' in sample.metainfo:
                text += ' [{:.0f}, {:.0f}]'.format(
                    *sample.metainfo['pred_interval'])
            lines.append(text)
        if draw_gt and 'gt_age' in sample:
            lines.append(f'gt {float(sample.gt_age):.1f}')
        if draw_pred and 'pred_age' in sample and 'chrono_age' in sample:
            chrono = float(sample.chrono_age)
            lines.append(f'CA {chrono:.1f} | BA-CA '
                         f'{float(sample.pred_age) - chrono:+.1f}')
        if draw_pred and 'pred_hand' in sample and \
                not sample.metainfo.get('fallback'):
            mask = np.asarray(sample.pred_hand.masks[0], np.uint8)
            if mask.shape != (h, w):
                mask = cv2.resize(mask, (w, h),
                                  interpolation=cv2.INTER_NEAREST)
            self.draw_binary_masks(mask[None].astype(bool),
                                   colors=[(0, 200, 255)], alphas=0.3)
        if draw_pred and 'pred_parts' in sample:
            parts = sample.pred_parts
            boxes = self._boxes_for(parts, image, sample)
            for k, box in enumerate(boxes):
                color = PART_COLORS[k % len(PART_COLORS)]
                self.draw_bboxes(
                    box[None],
                    edge_colors=[color],
                    line_widths=max(1,
                                    min(h, w) // 150))
                name = parts.names[k] if 'names' in parts else \
                    f'part {k + 1}'
                label = f'{name}:'
                if 'scores' in parts:
                    label += f' s={float(parts.scores[k]):.2f}'
                if 'ages' in parts:
                    label += f' age {float(parts.ages[k]):.0f}'
                # rank number at the box, details in a legend (top left)
                self.draw_texts(
                    f'{k + 1}', box[:2][None], font_sizes=font,
                    colors=[color])
                self.draw_texts(
                    label,
                    np.array([[2, 2 + k * (font + 4)]]),
                    font_sizes=font,
                    colors=[color],
                    bboxes=dict(facecolor='black', alpha=0.6))
        if sample.metainfo.get('fallback'):
            lines.append(f'fallback: {sample.metainfo["fallback"]}')
        if lines:
            self.draw_texts(
                '\n'.join(lines),
                np.array([[2, h - 2]]),
                font_sizes=font,
                colors='w',
                vertical_alignments='bottom',
                bboxes=dict(facecolor='black', alpha=0.6))
        return self.get_image()

    def _draw_map(self, image: np.ndarray, name: str, fmap) -> np.ndarray:
        """One heat-map panel of an (h, w) map over ``image``, captioned."""
        fmap = torch.as_tensor(fmap).float()
        if fmap.dim() == 2:
            fmap = fmap[None]
        panel = self.draw_featmap(
            fmap, image, channel_reduction='squeeze_mean', alpha=0.5)
        self.set_image(panel)
        h, w = panel.shape[:2]
        self.draw_texts(
            name, np.array([[2, 2]]), font_sizes=max(8, int(min(h, w) / 25)),
            colors='w', bboxes=dict(facecolor='black', alpha=0.6))
        return self.get_image()

    def draw_sample(self,
                    image,
                    sample,
                    draw_gt: bool = True,
                    draw_pred: bool = True) -> np.ndarray:
        """Render the panels side by side; returns (H, W * P, 3) uint8."""
        image = to_rgb_uint8(image)
        panels = [self._draw_main(image, sample, draw_gt, draw_pred)]
        for name, fmap in (sample.get('pred_maps', None) or {}).items():
            panels.append(self._draw_map(image, name, fmap))
        return np.concatenate(panels, axis=1)

    @master_only
    def add_datasample(self,
                       name: str,
                       image: np.ndarray,
                       data_sample=None,
                       draw_gt: bool = True,
                       draw_pred: bool = True,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       step: int = 0) -> None:
        """Draw ``data_sample`` over ``image`` and show / save / log it."""
        drawn = self.draw_sample(image, data_sample, draw_gt, draw_pred)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            import mmcv
            mmcv.imwrite(drawn[..., ::-1], out_file)
        else:
            self.add_image(name, drawn, step)
