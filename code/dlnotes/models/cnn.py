"""Convolutional torch models: LeNet-5, the book's fast Fashion-MNIST CNN, a residual block,
and AlexNet / VGG / Inception / ResNet built from their papers' definitions for counting
parameters and multiply-adds (no weights are downloaded).

All take ``(N, C, H, W)`` float input and return class logits. This module imports torch
(its classes subclass ``nn.Module``), so it is imported directly, not from ``dlnotes.models``.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "lenet5", "lenet5_keras_slide", "fast_cnn", "ResidualBlock", "Bottleneck", "Inception",
    "plain_or_residual_cnn",
    "alexnet", "vgg16", "inception_block", "googlenet_like", "resnet18", "resnet34", "resnet50",
]


def lenet5(in_channels: int = 1, num_classes: int = 10, activation: str = "relu",
           size: int = 28) -> "torch.nn.Sequential":  # noqa: F821
    """LeNet-5 as the lecture's Keras code means it, corrected: conv 6@5x5 -> pool 2 ->
    conv 16@5x5 -> pool 2 -> 120 -> 84 -> classes, with an activation after *every*
    convolution and hidden dense layer (the slide's code leaves three layers linear).

    ``size`` is the input's height = width (28 for Fashion-MNIST: the flattened
    feature map is 16 x 4 x 4; LeCun's 32 x 32 input gives 16 x 5 x 5).

    Shape: ``(N, in_channels, size, size)`` -> ``(N, num_classes)``.
    """
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
    side = ((size - 4) // 2 - 4) // 2
    if side < 1:
        raise ValueError(f"LeNet-5 needs inputs of at least 12 x 12 pixels, got {size}")
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5), act(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), act(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * side * side, 120), act(),
        nn.Linear(120, 84), act(),
        nn.Linear(84, num_classes),
    )


def lenet5_keras_slide(num_classes: int = 10) -> "torch.nn.Sequential":  # noqa: F821
    """What the slide's Keras LeNet computes once its input shape is fixed: only the first
    convolution has an activation (ReLU); the second convolution and the 120 / 84 dense
    layers are linear. (The softmax of the last layer is in the loss.)"""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(256, 120), nn.Linear(120, 84), nn.Linear(84, num_classes),
    )


def fast_cnn(channels: tuple[int, int] = (16, 32), num_classes: int = 10, hidden: int = 128,
             in_channels: int = 1) -> "torch.nn.Sequential":  # noqa: F821
    """The book's fast Fashion-MNIST CNN: two blocks of conv 3x3 -> max pool 2 -> batch norm
    -> ReLU, then a hidden dense layer. Pooling right after the convolution lets batch norm
    and ReLU work on a quarter of the pixels (max pooling commutes with ReLU; batch norm
    then normalises the pooled maps), which makes an epoch about a quarter faster on a CPU.

    Shape: ``(N, in_channels, 28, 28)`` -> ``(N, num_classes)``.
    """
    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(in_channels, c1, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(c1), nn.ReLU(),
        nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(c2), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(c2 * 7 * 7, hidden), nn.ReLU(),
        nn.Linear(hidden, num_classes),
    )


class ResidualBlock(nn.Module):
    """ResNet's basic block: ``relu(x + bn(conv(relu(bn(conv(x))))))``; with ``stride`` > 1 or
    a change of channels the shortcut is a 1x1 convolution + batch norm. ``skip=False`` drops
    the shortcut (a plain block with the same layers, for comparison).

    Shape: ``(N, in_channels, H, W)`` -> ``(N, out_channels, H / stride, W / stride)``.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, skip: bool = True):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.skip = skip
        self.shortcut = nn.Identity()
        if skip and (stride != 1 or in_channels != out_channels):
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.bn2(self.conv2(self.bn1(self.conv1(x)).relu()))
        if self.skip:
            out = out + self.shortcut(x)
        return out.relu()


class Bottleneck(nn.Module):
    """ResNet-50's block: 1x1 reduce, 3x3, 1x1 expand (x4), plus the shortcut."""

    def __init__(self, in_channels: int, width: int, stride: int = 1):
        super().__init__()
        out = 4 * width
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out))
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out, 1, stride, bias=False),
                                          nn.BatchNorm2d(out))

    def forward(self, x):
        return (self.body(x) + self.shortcut(x)).relu()


class Inception(nn.Module):
    """GoogLeNet's Inception block: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | max pool -> 1x1, concatenated
    along the channels (``c1 + c3 + c5 + cp`` output channels)."""

    def __init__(self, c_in, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(c_in, c1, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(c_in, c3r, 1), nn.ReLU(),
                                nn.Conv2d(c3r, c3, 3, padding=1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(c_in, c5r, 1), nn.ReLU(),
                                nn.Conv2d(c5r, c5, 5, padding=2), nn.ReLU())
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(c_in, cp, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], dim=1)


def plain_or_residual_cnn(depth: int = 20, width: int = 16, skip: bool = True, in_channels: int = 1,
                          num_classes: int = 10) -> "torch.nn.Sequential":  # noqa: F821
    """A stem conv and ``depth // 2`` basic blocks of ``width`` channels (with or without the
    shortcut), global average pooling and a linear classifier: ``depth`` + 2 weight layers."""
    blocks = [ResidualBlock(width, width, skip=skip) for _ in range(depth // 2)]
    return nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                         nn.ReLU(), *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(width, num_classes))


def alexnet(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """AlexNet (Krizhevsky et al. 2012) as one tower (the 'one weird trick' variant that
    torchvision uses): 5 convolutions, 3 dense layers; input ``(N, 3, 224, 224)``."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.AdaptiveAvgPool2d(6), nn.Flatten(),
        nn.Dropout(), nn.Linear(256 * 36, 4096), nn.ReLU(),
        nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, num_classes),
    )


def vgg16(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """VGG-16 (Simonyan & Zisserman 2014, configuration D): 13 convolutions 3x3 in five
    blocks, 3 dense layers; input ``(N, 3, 224, 224)``."""
    layers, c = [], 3
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 49, 4096), nn.ReLU(), nn.Dropout(),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, num_classes))


def inception_block(c_in, c1, c3r, c3, c5r, c5, cp):
    """One Inception block (Szegedy et al. 2014); output channels ``c1 + c3 + c5 + cp``."""
    return Inception(c_in, c1, c3r, c3, c5r, c5, cp)


def googlenet_like(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """GoogLeNet (Inception v1) with its nine Inception blocks as in the paper's table 1
    (without the two auxiliary classifiers and local response normalisation)."""
    b = inception_block
    return nn.Sequential(
        nn.Conv2d(3, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        b(192, 64, 96, 128, 16, 32, 32), b(256, 128, 128, 192, 32, 96, 64), nn.MaxPool2d(3, 2, 1),
        b(480, 192, 96, 208, 16, 48, 64), b(512, 160, 112, 224, 24, 64, 64),
        b(512, 128, 128, 256, 24, 64, 64), b(512, 112, 144, 288, 32, 64, 64),
        b(528, 256, 160, 320, 32, 128, 128), nn.MaxPool2d(3, 2, 1),
        b(832, 256, 160, 320, 32, 128, 128), b(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(1024, num_classes),
    )


def _resnet(blocks: list[int], bottleneck: bool, num_classes: int):
    block = Bottleneck if bottleneck else ResidualBlock
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    c_in = 64
    for stage, n in enumerate(blocks):
        width = 64 * 2**stage
        for i in range(n):
            stride = 2 if (i == 0 and stage > 0) else 1
            layers.append(block(c_in, width, stride))
            c_in = 4 * width if bottleneck else width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, num_classes))


def resnet18(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """ResNet-18 (He et al. 2015): basic blocks [2, 2, 2, 2]; input ``(N, 3, 224, 224)``."""
    return _resnet([2, 2, 2, 2], False, num_classes)


def resnet34(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """ResNet-34: basic blocks [3, 4, 6, 3]."""
    return _resnet([3, 4, 6, 3], False, num_classes)


def resnet50(num_classes: int = 1000) -> "torch.nn.Sequential":  # noqa: F821
    """ResNet-50: bottleneck blocks [3, 4, 6, 3]."""
    return _resnet([3, 4, 6, 3], True, num_classes)
