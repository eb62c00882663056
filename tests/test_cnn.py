"""Convolutional torch models: shapes, parameter counts against known values, multiply-adds."""

import pytest
import torch

from dlnotes.models import cnn, count_macs, count_parameters, layer_summary


def test_lenet5_shapes_and_counts():
    m = cnn.lenet5()
    assert m(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    # 6*(25+1) + 16*(150+1) + (256+1)*120 + (120+1)*84 + (84+1)*10
    assert count_parameters(m) == 156 + 2416 + 30840 + 10164 + 850
    assert count_parameters(cnn.lenet5(size=32)) == 61706            # LeCun's 32 x 32 input
    assert count_macs(m, (1, 28, 28)) == 24 * 24 * 6 * 25 + 8 * 8 * 16 * 150 + 256 * 120 + 120 * 84 + 840
    assert count_parameters(cnn.lenet5_keras_slide()) == count_parameters(m)
    with pytest.raises(ValueError, match="12 x 12"):
        cnn.lenet5(size=10)


def test_fast_cnn_and_residual_models():
    m = cnn.fast_cnn()
    assert m(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    rows = layer_summary(m, (1, 28, 28))
    assert rows[0]["output"] == (16, 28, 28) and rows[0]["macs"] == 28 * 28 * 16 * 9
    block = cnn.ResidualBlock(4, 8, stride=2)
    assert block(torch.zeros(1, 4, 8, 8)).shape == (1, 8, 4, 4)
    plain = cnn.plain_or_residual_cnn(depth=6, width=4, skip=False)
    res = cnn.plain_or_residual_cnn(depth=6, width=4, skip=True)
    assert count_parameters(plain) == count_parameters(res)
    assert res(torch.zeros(2, 1, 12, 12)).shape == (2, 10)


@pytest.mark.parametrize("builder, params, gmacs", [
    (cnn.alexnet, 61_100_840, 0.714), (cnn.vgg16, 138_357_544, 15.47), (cnn.resnet18, 11_689_512, 1.814),
    (cnn.resnet34, 21_797_672, 3.664), (cnn.resnet50, 25_557_032, 4.089)])
def test_classic_architectures_match_known_counts(builder, params, gmacs):
    """Parameter counts equal torchvision's; multiply-adds the published ~values (224 x 224)."""
    m = builder()
    assert count_parameters(m) == params
    assert count_macs(m, (3, 224, 224)) / 1e9 == pytest.approx(gmacs, rel=2e-3)


def test_googlenet_block_and_size():
    blk = cnn.inception_block(192, 64, 96, 128, 16, 32, 32)
    assert blk(torch.zeros(1, 192, 28, 28)).shape == (1, 256, 28, 28)
    assert 6.5e6 < count_parameters(cnn.googlenet_like()) < 7.1e6
