from .relation_resnet import PartRelationModule, RelationResNet

__all__ = ['PartRelationModule', 'RelationResNet']
