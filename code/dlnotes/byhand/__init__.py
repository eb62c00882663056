"""Networks set by hand or trained by classic rules (numpy, no torch twin).

:mod:`~.perceptron` (one threshold neuron, the perceptron and Hebb rules),
:mod:`~.logic` (threshold circuits: gates, XOR, parity), :mod:`~.approximation`
(universal approximation by sums of bumps), :mod:`~.backprop` (the chain rule
written out for the lectures' worked examples).
"""
