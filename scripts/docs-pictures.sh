#!/usr/bin/env bash
# Rebuilds the pictures docs/EXPERIMENTS.md shows, each from the one command that page gives for
# its question, on small budgets (a few epochs on MNIST digits), so every picture can be remade
# and checked against the text:
#
#   scripts/docs-pictures.sh MNIST_FOLDER [LATENT]
#
# MNIST_FOLDER is any folder `--data` reads as MNIST (IDX files). Runs go to a temporary folder;
# only the pictures are copied into docs/images. Takes about 15 minutes on 2 cores.
set -euo pipefail

data=${1:?usage: scripts/docs-pictures.sh MNIST_FOLDER [LATENT]}
latent=${2:-.build/release/latent}
[ -x "$latent" ] || { echo "docs-pictures: $latent is not an executable (make build first)" >&2; exit 2; }
out=docs/images
runs=$(mktemp -d)/runs
trap 'rm -rf "$(dirname "$runs")"' EXIT
mkdir -p "$out"

l() { "$latent" "$@" --runs "$runs"; }
copy() { cp "$runs/$1" "$out/$2"; echo "  $out/$2"; }

echo "== RBM: hidden units and learning rate, reconstructions of unseen digits"
l sweep rbm --data "$data" --binarize fixed --hidden 10,100 --lr 0.1,0.01 --batch 10 --epochs 3 --evaluate --nll-samples 0 --name sweep-rbm
copy sweep-rbm/sweep.svg rbm-sweep.svg
copy sweep-rbm/reconstructions.png rbm-sweep-reconstructions.png

echo "== GAN: 16 real beside 16 generated"
l train gan --data "$data" --epochs 15 --batch 128 --name gan
l sample gan --n 16 --beside-real
copy gan/images/real-vs-generated.png gan-real-vs-generated.png

echo "== VAE, AE, P-PCA"
l train vae --data "$data" --binarize dynamic --latent 20 --epochs 10 --name vae
l train ppca --data "$data" --latent 20 --name ppca
l project vae --walk --compare ppca --n 20
copy vae/plots/project-walk-compare.svg project-walk-compare.svg
copy vae/images/project-walk-compare.png project-walk-compare.png
l sample vae --n 64 --draw
copy vae/images/sample-64-drawn.png vae-sample-drawn.png
l latent-map vae --method tsne,umap --n 1000
copy vae/plots/latent-map-tsne-umap.svg latent-map-tsne-umap.svg
l latent-histograms vae --dimensions 8
copy vae/plots/latent-histograms.svg latent-histograms.svg
copy vae/plots/kl-per-dimension.svg kl-per-dimension.svg
l robustness vae
copy vae/plots/robustness.svg robustness.svg

l anomaly vae --other fashion-mnist
copy vae/plots/anomaly-neg_elbo.svg anomaly-mnist-vs-fashion.svg

echo "== VAE against AVB of the same decoder"
l sweep vae,avb --data "$data" --binarize dynamic --epochs 3 --hidden 256 --latent 8 --evaluate --nll-samples 100 \
    --test-limit 500 --name sweep-avb
copy sweep-avb/reconstructions.png vae-vs-avb-reconstructions.png

echo "== Convolution kinds in a convolutional VAE"
l sweep conv-vae --data "$data" --conv standard,dilated,separable --epochs 3 --name sweep-conv
copy sweep-conv/sweep.svg conv-kinds-sweep.svg

echo "== The ELBO explorer's surface with the training path"
"$latent" elbo-explorer --start-theta -0.3 --start-phi 1.5 --steps 600 --output "$runs/elbo-explorer"
copy elbo-explorer/elbo-surface.svg elbo-surface.svg

echo "== An over-complete single-layer autoencoder with sparsity"
l train ae --data "$data" --hidden none --latent 1000 --sparsity 1e-3 --epochs 5 --name ae-overcomplete
l filters ae-overcomplete
copy ae-overcomplete/images/filters-layer1.png ae-overcomplete-filters.png

echo "== Denoising autoencoder"
l train ae --data "$data" --noise gaussian:0.3 --epochs 10 --name dae
l denoise dae --levels 0,0.1,0.2,0.3,0.5,0.7
copy dae/images/denoise.png denoise.png
copy dae/plots/denoise.svg denoise.svg

echo "== Semi-supervised VAE (M2) with 100 labels"
l train m2 --data "$data" --labelled 100 --epochs 10 --name m2
copy m2/images/samples.png m2-samples.png
copy m2/plots/accuracy.svg m2-accuracy.svg

echo "pictures written to $out"
