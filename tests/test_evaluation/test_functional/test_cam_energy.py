"""box_energy_share / category_energy_shares on hand-made maps."""
import math

import numpy as np
import pytest

from baa_mm.evaluation import (box_energy_share, boxes_mask,
                               category_energy_shares,
                               summarize_energy_shares)


def test_uniform_map_energy_equals_area():
    cam = np.ones((4, 4))
    assert box_energy_share(cam, [[0, 0, 2, 2]]) == (0.25, 0.25)
    # a box over everything (clipped to the map)
    assert box_energy_share(cam, [[-5, -5, 100, 100]]) == (1.0, 1.0)


def test_concentrated_map_and_union_of_boxes():
    cam = np.zeros((4, 4))
    cam[0, 0], cam[3, 3] = 1., 3.
    assert box_energy_share(cam, np.array([[0, 0, 1, 1]])) == (0.25, 1 / 16)
    assert box_energy_share(cam, [[3, 3, 4, 4]]) == (0.75, 1 / 16)
    # overlapping boxes count once: 4 + 4 - 1 pixels
    energy, area = box_energy_share(cam, [[0, 0, 2, 2], [1, 1, 3, 3]])
    assert (energy, area) == (0.25, 7 / 16)


def test_pixel_centre_rule():
    # centres at 0.5 and 1.5 lie in [0.4, 1.6) but not in [0.6, 1.4)
    assert boxes_mask([[0.4, 0, 1.6, 1]], (2, 3)).sum() == 2
    assert boxes_mask([[0.6, 0, 1.4, 1]], (2, 3)).sum() == 0
    assert boxes_mask(np.zeros((0, 4)), (2, 3)).sum() == 0


def test_edge_cases():
    assert box_energy_share(np.ones((3, 3)), np.zeros((0, 4))) == (0., 0.)
    energy, area = box_energy_share(np.zeros((2, 2)), [[0, 0, 1, 1]])
    assert math.isnan(energy) and area == 0.25
    with pytest.raises(ValueError, match='negative'):
        box_energy_share(-np.ones((2, 2)), [[0, 0, 1, 1]])
    with pytest.raises(ValueError, match=r'\(H, W\)'):
        box_energy_share(np.ones((1, 2, 2)), [[0, 0, 1, 1]])


def test_per_category():
    cam = np.zeros((4, 4))
    cam[0, 0], cam[3, 3] = 1., 3.
    out = category_energy_shares(
        cam, [[0, 0, 1, 1], [3, 3, 4, 4], [0, 3, 1, 4]],
        ['carpals', 'radius', 'carpals'])
    assert list(out) == ['carpals', 'radius']
    assert out['carpals'] == (0.25, 2 / 16)
    assert out['radius'] == (0.75, 1 / 16)
    with pytest.raises(ValueError, match='1 categories for 2 boxes'):
        category_energy_shares(cam, [[0, 0, 1, 1]] * 2, ['a'])


def test_summarize_energy_shares():
    rows = [dict(category='all', energy_share=0.5, area_share=0.1),
            dict(category='all', energy_share=0.3, area_share=0.3),
            dict(category='all', energy_share=float('nan'), area_share=0.2),
            dict(category='carpals', energy_share=0.2, area_share=0.1)]
    out = summarize_energy_shares(rows)
    assert list(out) == ['all', 'carpals']
    assert out['all'] == dict(images=2, energy_share=pytest.approx(0.4),
                              area_share=pytest.approx(0.2),
                              ratio=pytest.approx(2.))
    assert out['carpals']['ratio'] == pytest.approx(2.)
    assert summarize_energy_shares([]) == {}
