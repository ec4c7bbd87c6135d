"""Eq. 1 parameter counts and map sizes from strides (exact values)."""
import pytest

from baa_mm.models.utils import feature_map_sizes, side_connection_params


def test_side_connection_params_eq1():
    assert side_connection_params(256, 28, 28, 256) == 51_380_480
    assert side_connection_params(512, 14, 14, 256) == 25_690_368
    assert side_connection_params(512, 1, 1, 256) == 131_328
    with pytest.raises(ValueError, match='units'):
        side_connection_params(256, 28, 28, 0)


def test_feature_map_sizes_floor_and_ceil():
    assert feature_map_sizes(224, (8, 16, 32)) == [(28, 28), (14, 14),
                                                   (7, 7)]
    assert feature_map_sizes((299, 299), (8, 16, 32)) == [(37, 37), (18, 18),
                                                          (9, 9)]
    assert feature_map_sizes((299, 150), (8, 32), 'ceil') == [(38, 19),
                                                              (10, 5)]
    with pytest.raises(ValueError, match='rounding'):
        feature_map_sizes(224, (8, ), 'round')
    with pytest.raises(ValueError, match='too small'):
        feature_map_sizes(16, (32, ))
