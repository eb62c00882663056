"""Chapter 10's comparisons at larger budgets: the small GPT vs an LSTM language model (2 minutes of
training each, test bits per character on the Python documentation corpus), and the small ViT on
Fashion-MNIST (accuracy and training time).

The recipes are those of chapters/10_attention.ipynb (dlnotes.book.recipes.train_char_lm and
train_image_model); the chapter runs them with 20 s / 15 s budgets.
"""

from __future__ import annotations

LM_SECONDS = 120.0
VIT_SECONDS = 60.0
#: measured margins: both LMs far below uniform guessing (6.7 bits), the ViT clearly learning
TARGET_BPC = 3.0
TARGET_VIT_ACCURACY = 0.80


def run() -> list[dict]:
    from dlnotes import data, utils
    from dlnotes.book import recipes
    from dlnotes.models.lm import bits_per_char
    from dlnotes.train import evaluate

    utils.seed_everything(0)
    rows = []
    vocab, ids_tr, _, ids_test = recipes.char_lm_data("python-docs")
    for kind in ("gpt", "lstm"):
        model, history = recipes.train_char_lm(kind, vocab, ids_tr, seconds=LM_SECONDS, device="cpu")
        bpc = bits_per_char(model, ids_test, recipes.CHAR_LM["seq_len"])
        rows.append({"name": f"gpt_vs_lstm_{kind}_test_bpc_{LM_SECONDS:g}s", "value": bpc,
                     "unit": "bits/char", "target": f"<= {TARGET_BPC}", "ok": bpc <= TARGET_BPC})
    ds = data.load_images()
    x, y = data.to_tensors(ds.train_images, ds.train_labels, flatten=False)
    x_test, y_test = data.to_tensors(ds.test_images, ds.test_labels, flatten=False)
    model, history = recipes.train_image_model("vit", x, y, seconds=VIT_SECONDS, device="cpu")
    _, acc = evaluate(model, data.Batches(x_test, y_test, 2500))
    rows.append({"name": "vit_fashion_mnist_train_time", "value": history.seconds, "unit": "s",
                 "target": f"<= {VIT_SECONDS + 15:g}", "ok": history.seconds <= VIT_SECONDS + 15})
    rows.append({"name": "vit_fashion_mnist_test_accuracy", "value": acc, "unit": "fraction",
                 "target": f">= {TARGET_VIT_ACCURACY}", "ok": acc >= TARGET_VIT_ACCURACY})
    return rows
