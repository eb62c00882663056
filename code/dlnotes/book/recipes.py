"""The book's reference training runs: the ones whose targets it states.

A chapter runs and shows these functions; ``make bench`` (``benchmarks/``)
times the very same code, so a recipe and its measured target cannot drift
apart.

* Chapter 3: an MLP on standardised Fashion-MNIST, Adam with a one-cycle
  learning rate, label smoothing — at least 89.5 % test accuracy in 12 epochs.
* Chapter 5: the numpy-only MLP and its torch twin (same architecture,
  initialisation scheme, batch size and optimiser) — at least 88 % test
  accuracy in 10 epochs, and an epoch time within 1.2x of torch's.
* Chapter 9: character language models (RNN, LSTM, GRU of about the same size)
  on CPython's documentation topics, Adam with gradient clipping, for a fixed
  number of steps (the chapter, ``RNN_LM``) or a fixed time (the benchmark,
  ``RNN_LM_BENCH``: <= 1.70 bits per character on the validation text for the
  best gated model in 2 minutes of CPU training).
* Chapter 10: a small Transformer that reverses digit strings (>= 99 % of whole
  strings right), the small GPT vs an LSTM and the small ViT vs the fast CNN at
  equal wall-clock budgets (``fit_for_seconds``).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Split", "standardized_split", "one_cycle_fit", "fashion_mlp", "train_fashion_mlp",
    "MLP_EPOCHS", "NUMPY_MLP", "numpy_mlp_and_torch_twin",
    "CHAR_LM", "char_lm_data", "train_char_lm",
    "RNN_LM", "RNN_LM_BENCH", "RNNLMRun", "rnn_lm", "train_rnn_lm",
    "REVERSAL", "reversal_data", "token_accuracy", "train_reversal", "TimeSlices", "fit_for_seconds",
    "VIT", "train_image_model",
]

#: Chapter 3's budget: a fixed number of epochs.
MLP_EPOCHS = 12


class Split(NamedTuple):
    """Flattened, standardised tensors of a train / validation / test split.

    Shape: ``x_*`` are ``(N, 784)`` float32, ``y_*`` ``(N,)`` int64.
    """

    x_tr: "torch.Tensor"  # noqa: F821
    y_tr: "torch.Tensor"  # noqa: F821
    x_val: "torch.Tensor"  # noqa: F821
    y_val: "torch.Tensor"  # noqa: F821
    x_test: "torch.Tensor"  # noqa: F821
    y_test: "torch.Tensor"  # noqa: F821
    mean: float
    std: float


def standardized_split(ds, n_val: int = 5000, rng: int | None = 0) -> Split:
    """Hold out ``n_val`` training images for validation and standardise every pixel with the
    mean and standard deviation of the remaining training images (never of the test set)."""
    from ..data import to_tensors, train_val_split

    train_idx, val_idx = train_val_split(len(ds.train_labels), n_val, rng)
    x_all, y_all = to_tensors(ds.train_images, ds.train_labels)
    x_test, y_test = to_tensors(ds.test_images, ds.test_labels)
    mean, std = x_all[train_idx].mean(), x_all[train_idx].std()
    x_all, x_test = (x_all - mean) / std, (x_test - mean) / std
    return Split(x_all[train_idx], y_all[train_idx], x_all[val_idx], y_all[val_idx],
                 x_test, y_test, mean.item(), std.item())


def one_cycle_fit(model, x_tr, y_tr, val, *, epochs: int, max_lr: float = 2e-3,
                  batch_size: int = 128, loss_fn=None, device=None, rng: int = 0):
    """Adam under a one-cycle learning rate stepped every batch, via :func:`dlnotes.train.fit`.

    ``val`` is an iterable of validation batches; returns the :class:`~dlnotes.train.History`.
    """
    import torch

    from ..data import Batches
    from ..schedules import one_cycle
    from ..train import fit

    torch.manual_seed(rng)
    batches = Batches(x_tr, y_tr, batch_size, shuffle=True, rng=rng)
    opt = one_cycle(torch.optim.Adam(model.parameters()), max_lr=max_lr, epochs=epochs,
                    steps_per_epoch=len(batches))
    return fit(model, batches, val, epochs=epochs, optimizer=opt, loss_fn=loss_fn,
               progress=False, verbose=False, device=device)


def fashion_mlp() -> "torch.nn.Sequential":  # noqa: F821
    """Chapter 3's MLP: 784-256-256-10, ReLU, dropout 0.1 after each hidden layer."""
    from ..models import mlp

    return mlp([784, 256, 256, 10], "relu", dropout=0.1)


def train_fashion_mlp(split: Split, *, epochs: int = MLP_EPOCHS, device=None, rng: int = 0):
    """Chapter 3's headline run; returns ``(model, history, test_accuracy)``.

    Label smoothing 0.1 and the other settings were chosen on the validation set.
    """
    import torch

    from ..data import Batches
    from ..train import evaluate

    torch.manual_seed(rng)
    model = fashion_mlp()
    history = one_cycle_fit(model, split.x_tr, split.y_tr, Batches(split.x_val, split.y_val, 2500),
                            epochs=epochs, loss_fn=torch.nn.CrossEntropyLoss(label_smoothing=0.1),
                            device=device, rng=rng)
    _, test_acc = evaluate(model, Batches(split.x_test, split.y_test, 2500))
    return model, history, test_acc


#: Chapter 5's numpy MLP (and its torch twin): architecture and SGD settings.
NUMPY_MLP = {"sizes": [784, 256, 128, 10], "batch_size": 128, "lr": 0.05, "momentum": 0.9,
             "epochs": 10}


def numpy_mlp_and_torch_twin(rng: int = 0) -> tuple:
    """``(numpy_model, numpy_sgd, torch_model, torch_sgd)`` with the settings of :data:`NUMPY_MLP`."""
    import torch

    from ..models import mlp
    from ..scratch import container, optim

    cfg = NUMPY_MLP
    np_model = container.mlp(cfg["sizes"], "relu", rng=rng)
    np_opt = optim.SGD(np_model, lr=cfg["lr"], momentum=cfg["momentum"])
    torch.manual_seed(rng)
    t_model = mlp(cfg["sizes"], "relu")
    t_opt = torch.optim.SGD(t_model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
    return np_model, np_opt, t_model, t_opt


#: Chapter 8's fast CNN: architecture and training settings (chosen on the validation images).
FAST_CNN = {"channels": (16, 32), "hidden": 128, "batch_size": 256, "max_lr": 4e-3, "epochs": 8,
            "label_smoothing": 0.05}


def train_fast_cnn(split: Split, *, epochs: int | None = None, device=None, rng: int = 0,
                   threads: int | None = 2):
    """Chapter 8's headline run: :func:`dlnotes.models.cnn.fast_cnn` on a :class:`Split` (images
    reshaped to ``(N, 1, 28, 28)``, channels-last memory format), Adam under a one-cycle
    learning rate, settings :data:`FAST_CNN`. Returns ``(model, history, test_accuracy)``.

    ``threads`` caps torch's CPU threads during training (the target is for two cores).
    """
    import torch

    from ..data import Batches
    from ..models.cnn import fast_cnn
    from ..train import evaluate
    from ..utils import get_device, torch_threads

    cfg = FAST_CNN
    epochs = cfg["epochs"] if epochs is None else epochs
    device = torch.device(device) if device is not None else get_device()

    def images(x):
        return x.reshape(-1, 1, 28, 28).contiguous(memory_format=torch.channels_last).to(device)

    x_tr, x_val, x_test = images(split.x_tr), images(split.x_val), images(split.x_test)
    y_tr, y_val, y_test = split.y_tr.to(device), split.y_val.to(device), split.y_test.to(device)
    torch.manual_seed(rng)
    model = fast_cnn(cfg["channels"], hidden=cfg["hidden"]).to(device, memory_format=torch.channels_last)
    n_threads = threads if (threads is not None and device.type == "cpu") else torch.get_num_threads()
    with torch_threads(n_threads):
        history = one_cycle_fit(model, x_tr, y_tr, Batches(x_val, y_val, 2500), epochs=epochs,
                                max_lr=cfg["max_lr"], batch_size=cfg["batch_size"],
                                loss_fn=torch.nn.CrossEntropyLoss(label_smoothing=cfg["label_smoothing"]),
                                device=device, rng=rng)
        _, test_acc = evaluate(model, Batches(x_test, y_test, 2500))
    return model, history, test_acc


# -- Chapter 10: attention and the Transformer ------------------------------------------------------

#: Chapter 10's sequence task: reverse strings of ``length`` digits with a small Transformer encoder.
REVERSAL = {"length": 8, "n_symbols": 10, "n_train": 12800, "d_model": 32, "nhead": 2, "num_layers": 2,
            "batch_size": 128, "lr": 3e-3, "epochs": 3}


def reversal_data(n: int, length: int = 8, n_symbols: int = 10, rng: int | None = 0) -> tuple:
    """Synthetic sequence task: ``n`` random digit strings ``x`` and their reversals ``y``.

    Shape: ``x``, ``y`` ``(n, length)`` int64 tensors.
    """
    import torch

    from ..utils import as_generator

    x = as_generator(rng).integers(0, n_symbols, size=(n, length))
    return torch.from_numpy(x), torch.from_numpy(x[:, ::-1].copy())


def token_accuracy(logits, y) -> float:
    """Fraction of positions whose argmax equals the target (logits (B, T, V), targets (B, T))."""
    return (logits.argmax(-1) == y).float().mean().item()


def train_reversal(*, epochs: int | None = None, device=None, rng: int = 0):
    """Train a bidirectional :class:`~dlnotes.models.transformer.TokenTransformer` (learned positions)
    on :func:`reversal_data`; returns ``(model, history, sequence_accuracy, token_accuracy)`` on
    2000 fresh test strings."""
    import torch

    from ..data import Batches
    from ..models.lm import lm_loss
    from ..models.transformer import TokenTransformer
    from ..train import fit, predict

    cfg = REVERSAL
    x, y = reversal_data(cfg["n_train"], cfg["length"], cfg["n_symbols"], rng)
    x_test, y_test = reversal_data(2000, cfg["length"], cfg["n_symbols"], rng + 1)
    torch.manual_seed(rng)
    model = TokenTransformer(cfg["n_symbols"], cfg["d_model"], cfg["nhead"], cfg["num_layers"], cfg["length"],
                             causal=False, positions="learned")
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    history = fit(model, Batches(x, y, cfg["batch_size"], shuffle=True, rng=rng), None,
                  epochs=epochs or cfg["epochs"], optimizer=opt, loss_fn=lm_loss, metric=token_accuracy,
                  progress=False, verbose=False, device=device)
    pred = predict(model, x_test).argmax(-1).cpu()
    right = pred == y_test
    return model, history, right.all(1).float().mean().item(), right.float().mean().item()


class TimeSlices:
    """Re-iterable view of a batch source that yields ``steps`` batches per pass, cycling through the
    source endlessly; lets :func:`dlnotes.train.fit` stop on a time budget between short passes."""

    def __init__(self, batches, steps: int) -> None:
        self.batches, self.steps = batches, int(steps)
        self._it = None

    def __len__(self) -> int:
        return self.steps

    def __iter__(self):
        for _ in range(self.steps):
            try:
                yield next(self._it)
            except (StopIteration, TypeError):
                self._it = iter(self.batches)
                yield next(self._it)


def fit_for_seconds(model, batches, seconds: float, *, lr: float, loss_fn=None, metric=None,
                    steps_per_check: int = 20, device=None, weight_decay: float = 0.0):
    """Train with AdamW until ``seconds`` of training time are used (checked every
    ``steps_per_check`` batches): the equal-time budget of chapter 10's comparisons.
    Returns the :class:`~dlnotes.history.History` (``history.seconds``, ``history.epochs`` slices)."""
    import torch

    from ..train import fit

    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    return fit(model, TimeSlices(batches, steps_per_check), None, epochs=10**9, optimizer=opt,
               loss_fn=loss_fn,
               metric=metric, progress=False, verbose=False, device=device, clip_grad_norm=1.0,
               on_epoch_end=lambda epoch, h: h.seconds >= seconds)


#: Chapter 10's language models: the small GPT and the LSTM it is compared with (equal time budget).
CHAR_LM = {"seq_len": 64, "batch_size": 32, "gpt": {"d_model": 128, "nhead": 4, "num_layers": 2, "lr": 2e-3},
           "lstm": {"hidden_size": 256, "lr": 4e-3}}


def char_lm_data(corpus: str = "python-docs") -> tuple:
    """``(vocab, train_ids, val_ids, test_ids)`` of a chapter-9 corpus (5 % validation, 5 % test)."""
    from ..data.text import Vocab, load_corpus, split_by_position

    text = load_corpus(corpus)
    vocab = Vocab.from_text(text)
    return (vocab, *split_by_position(vocab.encode(text)))


def train_char_lm(kind: str, vocab, train_ids, *, seconds: float, device=None, rng: int = 0):
    """Train chapter 10's small GPT (``kind="gpt"``) or an LSTM language model (``kind="lstm"``,
    :class:`dlnotes.models.rnn.CharRNN`) for ``seconds``; returns ``(model, history)``."""
    import torch

    from ..data.text import Windows
    from ..models.lm import lm_loss

    cfg = CHAR_LM
    torch.manual_seed(rng)
    if kind == "gpt":
        from ..models.transformer import gpt

        c = cfg["gpt"]
        model = gpt(len(vocab), c["d_model"], c["nhead"], c["num_layers"], max_len=cfg["seq_len"])
    elif kind == "lstm":
        from ..models.rnn import CharRNN

        c = cfg["lstm"]
        model = CharRNN(len(vocab), c["hidden_size"], cell="lstm")
    else:
        raise ValueError(f"kind must be 'gpt' or 'lstm', got {kind!r}")
    batches = Windows(train_ids, cfg["seq_len"], cfg["batch_size"], steps=10**9, rng=rng)
    history = fit_for_seconds(model, batches, seconds, lr=c["lr"], loss_fn=lm_loss, device=device)
    return model, history


#: Chapter 10's small ViT on Fashion-MNIST (7x7 patches: 16 tokens and a class token).
VIT = {"patch_size": 7, "d_model": 64, "nhead": 4, "num_layers": 3, "dim_feedforward": 128,
       "batch_size": 128, "lr": 2e-3}


def train_image_model(kind: str, x_tr, y_tr, *, seconds: float, device=None, rng: int = 0):
    """Train the small ViT (``kind="vit"``) or chapter 8's fast CNN (``kind="cnn"``) with AdamW for
    ``seconds`` on images ``x_tr`` ``(N, 1, 28, 28)``; returns ``(model, history)``."""
    import torch

    from ..data import Batches

    torch.manual_seed(rng)
    if kind == "vit":
        from ..models.transformer import ViT

        c = VIT
        model = ViT(patch_size=c["patch_size"], d_model=c["d_model"], nhead=c["nhead"],
                    num_layers=c["num_layers"], dim_feedforward=c["dim_feedforward"])
        lr, bs = c["lr"], c["batch_size"]
    elif kind == "cnn":
        from ..models.cnn import fast_cnn

        model = fast_cnn(FAST_CNN["channels"], hidden=FAST_CNN["hidden"])
        lr, bs = 2e-3, 128
    else:
        raise ValueError(f"kind must be 'vit' or 'cnn', got {kind!r}")
    history = fit_for_seconds(model, Batches(x_tr, y_tr, bs, shuffle=True, rng=rng), seconds, lr=lr,
                              loss_fn=torch.nn.CrossEntropyLoss(), metric="acc", device=device,
                              weight_decay=0.01)
    return model, history


#: Chapter 9's character language models: same size, same data, same optimiser.
RNN_LM = dict(n_params=120_000, embedding_dim=32, seq_len=64, batch_size=32, lr=1e-2, clip=1.0)
#: The benchmark's version (2 minutes per model on the two CPU cores): larger models with a wider
#: embedding, windows twice as long in half as many rows (for the LSTM about the same cost per step), a 5 %
#: warm-up to a higher peak learning rate that a cosine takes to 0 by the end of the time budget,
#: and decoupled weight decay on the weight matrices.
RNN_LM_BENCH = dict(RNN_LM, n_params=300_000, embedding_dim=64, seq_len=128, batch_size=16, lr=3e-2,
                    warmup=0.05, decay="cosine", weight_decay=0.3, seconds=120.0, threads=2)


class RNNLMRun(NamedTuple):
    """What :func:`train_rnn_lm` records: the model, per-step training loss (nats) and
    gradient norm (before clipping), validation bits per character at ``val_steps``."""

    model: "torch.nn.Module"  # noqa: F821
    train_loss: list
    grad_norm: list
    val_steps: list
    val_bpc: list
    seconds: float


def rnn_lm(vocab_size: int, cell: str, n_params: int = RNN_LM["n_params"], dropout: float = 0.0,
           embedding_dim: int = RNN_LM["embedding_dim"]):
    """Chapter 9's character model: a one-layer :class:`~dlnotes.models.rnn.CharRNN` of the
    given ``cell`` whose hidden size gives about ``n_params`` parameters (``dropout`` on its
    embeddings and outputs)."""
    from ..models.rnn import char_rnn_with_params

    return char_rnn_with_params(vocab_size, n_params, cell=cell, embedding_dim=embedding_dim,
                                dropout=dropout)


def train_rnn_lm(model, train_ids, val_ids, *, steps: int | None = None, seconds: float | None = None,
                 seq_len: int = RNN_LM["seq_len"], batch_size: int = RNN_LM["batch_size"],
                 lr: float = RNN_LM["lr"], clip: float | None = RNN_LM["clip"], decay: str | None = None,
                 warmup: float = 0.0, weight_decay: float = 0.0, optimizer: str = "adam",
                 eval_every: int = 100, eval_chars: int = 20_000, rng: int = 0, device=None) -> RNNLMRun:
    """Train a language model on random windows of ``train_ids`` with Adam (or plain SGD,
    ``optimizer="sgd"``) and gradient-norm clipping at ``clip`` (None: none), for ``steps``
    steps or ``seconds`` of wall time (whichever ends first; give at least one).
    The learning rate rises from 0 to ``lr`` over the first ``warmup`` share of the budget,
    then ``decay="cosine"`` or ``"linear"`` takes it down to 0 at the end (the share used is
    the larger of the shares of steps and of seconds). ``weight_decay`` decays the weight
    matrices, not the biases or the embedding table (decoupled: AdamW, or SGD's
    ``weight_decay``). Validation bits per character on the first ``eval_chars`` ids of
    ``val_ids`` every ``eval_every`` steps, and on all of ``val_ids`` at the end (the last
    entry of ``val_bpc``)."""
    import math
    import time

    import torch

    from ..data.text import Windows
    from ..models.lm import bits_per_char, lm_loss
    from ..regularization import param_groups
    from ..schedules import warmup_decay
    from ..utils import get_device

    if steps is None and seconds is None:
        raise ValueError("give steps, seconds or both")
    warmup_decay(0.0, warmup=warmup, decay=decay)  # checks warmup and decay
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    Opt = torch.optim.SGD if optimizer == "sgd" else torch.optim.AdamW  # AdamW is Adam when weight_decay=0
    opt = Opt(param_groups(model, weight_decay, embeddings=False), lr=lr)
    batches = Windows(train_ids, seq_len, batch_size, steps=steps or 10**9, rng=rng)
    losses, norms, val_steps, val_bpc = [], [], [], []
    start = time.perf_counter()
    step = 0
    for step, (x, y) in enumerate(batches, 1):
        if decay is not None or warmup > 0:  # share of the budget used so far, in [0, 1]
            used = min(1.0, max((step - 1) / steps if steps else 0.0,
                                (time.perf_counter() - start) / seconds if seconds else 0.0))
            for group in opt.param_groups:
                group["lr"] = lr * warmup_decay(used, warmup=warmup, decay=decay)
        model.train()
        loss = lm_loss(model(x.to(device)), y.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip is not None else math.inf)
        opt.step()
        losses.append(loss.item())
        norms.append(norm.item())
        if not math.isfinite(losses[-1]):
            raise FloatingPointError(f"the training loss became {losses[-1]} at step {step}")
        if step % eval_every == 0:
            val_steps.append(step)
            val_bpc.append(bits_per_char(model, val_ids[:eval_chars], 256, device=device))
        if seconds is not None and time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    val_steps.append(step)
    val_bpc.append(bits_per_char(model, val_ids, 256, device=device))
    return RNNLMRun(model, losses, norms, val_steps, val_bpc, elapsed)
