#!/usr/bin/env bash
# Make Fashion-MNIST available to the book, using only the package registries:
# Debian's dataset-fashion-mnist where we are root with apt-get, then the
# loader (which copies Debian's files into data/ and verifies them, or
# downloads from the official mirrors).
set -euo pipefail
PY=${1:-python3}
DEB_DIR=/usr/share/datasets/fashion-mnist
if [ ! -f "$DEB_DIR/train-images-idx3-ubyte.gz" ] && [ ! -f data/fashion-mnist/train-images-idx3-ubyte ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's dataset-fashion-mnist ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null) \
      || echo "apt-get could not install dataset-fashion-mnist; the loader will try to download."
  fi
fi
"$PY" -c "from dlnotes.data import fetch; p = fetch('fashion-mnist'); print('Fashion-MNIST ready in', p['train_images'].parent)"

# Tang and Song poems (chapter 9): Debian's fortunes-zh, installed the same way.
FORTUNES=/usr/share/games/fortunes
if [ ! -f "$FORTUNES/tang300" ] && [ ! -f data/fortunes-zh/tang300 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's fortunes-zh (Tang and Song poems) ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fortunes-zh >/dev/null) \
      || echo "apt-get could not install fortunes-zh."
  else
    echo "The Tang poems of chapter 9 need Debian's fortunes-zh: run 'sudo apt-get install fortunes-zh'" \
         "or copy tang300 and song100 into data/fortunes-zh/."
  fi
fi
"$PY" -c "from dlnotes.data.text import load_corpus; t = load_corpus('tang300'); print('Tang poems ready:', len(t), 'characters')" \
  || echo "The Tang-poem corpus is not available (chapter 9 needs it)."
