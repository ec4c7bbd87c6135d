from .fusion_branches import FusionBranches
from .relation_resnet import PartRelationModule, RelationResNet
from .residual_attention_net import (AttentionModule, PreActBottleneck,
                                     ResidualAttentionNet)

__all__ = [
    'AttentionModule', 'FusionBranches', 'PartRelationModule',
    'PreActBottleneck', 'RelationResNet', 'ResidualAttentionNet'
]
